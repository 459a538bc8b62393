#include "estimators/search/SearchSpace.h"
#include "core/Errors.h"
#include "core/Units.h"

#include <QJsonArray>
#include <cmath>

namespace llmdse {

namespace {

constexpr std::int64_t kMaxSpace = std::int64_t(1) << 62;
constexpr size_t kMaxLevels = 1 << 20; // per axis: bounds the memory a typo ("step": 1e-9) could take

void addLevel(StudyAxis& a, const QJsonValue& v, const std::string& where)
{
    if (a.values.size() >= kMaxLevels) throw InputError("", where, "more than 2^20 levels; use a larger step or factor");
    a.values.push_back(a.field->parse(v, where));
    a.rawValues.push_back(v);
}

// Numbers are rounded to 12 significant digits so that 0.1 + 0.2 steps read as written.
double tidy(double v, bool integer) { return integer ? std::round(v) : std::stod(formatNumber(v)); }

StudyAxis spaceAxis(const std::string& key, const QJsonValue& v, const std::string& where)
{
    StudyAxis a;
    a.key = key;
    a.field = &requireDesignField(key, where);
    a.kind = StudyAxis::Kind::Grid;
    QJsonArray list;
    if (v.isArray()) list = v.toArray();
    else if (v.isObject() && v.toObject().contains("values")) {
        if (!v.toObject().value("values").isArray()) throw InputError("", where + ".values", "must be a list of values");
        list = v.toObject().value("values").toArray();
    }
    if (v.isArray() || (v.isObject() && v.toObject().contains("values"))) {
        if (list.isEmpty()) throw InputError("", where, "must list at least one value");
        for (int i = 0; i < list.size(); ++i) addLevel(a, list[i], where + "[" + std::to_string(i) + "]");
        return a;
    }
    if (!v.isObject())
        throw InputError("", where, "must be a list of values, {\"min\", \"max\", \"step\"} or {\"min\", \"max\", \"log\": true}");
    if (a.field->kind == DesignField::Kind::Text || a.field->kind == DesignField::Kind::Boolean)
        throw InputError("", where, "'" + key + "' takes a list of values, not a numeric range");
    JsonReader r(v.toObject(), where);
    for (auto it = r.raw().begin(); it != r.raw().end(); ++it) {
        const std::string k = it.key().toStdString();
        if (k != "min" && k != "max" && k != "step" && k != "log" && k != "factor" && k != "levels")
            r.fail(k.c_str(), "unknown key (expected min, max, step, log, factor, levels)");
    }
    const bool integer = a.field->kind == DesignField::Kind::Integer;
    const double lo = a.field->parse(r.raw().value("min"), r.field("min")).number;
    const double hi = a.field->parse(r.raw().value("max"), r.field("max")).number;
    if (hi < lo) r.fail("max", "is below min");
    const bool log = r.boolean("log", false);
    if (!log) {
        if (r.has("factor") || r.has("levels")) r.fail(r.has("factor") ? "factor" : "levels", "needs \"log\": true");
        const double step = r.has("step") ? r.positive("step") : integer ? 1.0 : 0.0;
        if (step <= 0) r.fail("step", "missing: a real-valued range needs a step (or \"log\": true)");
        if (integer && step != std::floor(step)) r.fail("step", "must be a whole number for an integer field");
        if ((hi - lo) / step >= double(kMaxLevels)) r.fail("step", "gives more than 2^20 levels");
        const auto n = static_cast<std::int64_t>(std::floor((hi - lo) / step * (1 + 1e-12))) + 1;
        for (std::int64_t i = 0; i < n; ++i) addLevel(a, QJsonValue(tidy(lo + double(i) * step, integer)), where);
        return a;
    }
    if (r.has("step")) r.fail("step", "a log range takes \"factor\" or \"levels\", not a step");
    if (lo <= 0) r.fail("min", "a log range needs min > 0");
    std::vector<double> levels;
    if (r.has("levels")) {
        const int n = r.positiveInt("levels");
        if (size_t(n) > kMaxLevels) r.fail("levels", "more than 2^20 levels");
        for (int i = 0; i < n; ++i) {
            const double x = n == 1 ? lo : lo * std::pow(hi / lo, double(i) / (n - 1));
            const double t = tidy(x, integer);
            if (levels.empty() || t != levels.back()) levels.push_back(t); // rounding may merge integer levels
        }
    } else {
        const double f = r.positive("factor", 2.0);
        if (f <= 1) r.fail("factor", "must be > 1");
        if (std::log(hi / lo) / std::log(f) >= double(kMaxLevels)) r.fail("factor", "gives more than 2^20 levels");
        for (double x = lo; x <= hi * (1 + 1e-12); x *= f) {
            const double t = tidy(x, integer);
            if (levels.empty() || t != levels.back()) levels.push_back(t);
        }
    }
    for (double x : levels) addLevel(a, QJsonValue(x), where);
    return a;
}

} // namespace

SearchSpec parseSearchSpec(const JsonReader& r)
{
    for (auto it = r.raw().begin(); it != r.raw().end(); ++it) {
        const std::string k = it.key().toStdString();
        if (k != "algorithm" && k != "budget" && k != "population" && k != "seed" && k != "crossover" &&
            k != "eta_crossover" && k != "eta_mutation" && k != "reference")
            r.fail(k.c_str(), "unknown key (expected algorithm, budget, population, seed, crossover, eta_crossover, "
                              "eta_mutation, reference)");
    }
    SearchSpec s;
    const std::string alg = r.string("algorithm", "nsga2");
    if (alg == "nsga2") s.algorithm = SearchSpec::Algorithm::Nsga2;
    else if (alg == "random") s.algorithm = SearchSpec::Algorithm::Random;
    else r.fail("algorithm", "unknown algorithm '" + alg + "' (expected nsga2 or random)");
    if (!r.has("budget")) r.fail("budget", "missing: how many designs to evaluate");
    const double budget = r.positive("budget");
    if (budget != std::floor(budget) || budget > 1e8) r.fail("budget", "must be a whole number from 1 to 10^8");
    s.budget = static_cast<std::int64_t>(budget);
    s.population = r.positiveInt("population", 100);
    if (s.population < 4 || s.population > 100000) r.fail("population", "must be from 4 to 100000");
    const double seed = r.nonNegative("seed", 0.0);
    if (seed != std::floor(seed) || seed > 9.0e15) r.fail("seed", "must be a whole number from 0 to 9e15");
    s.seed = static_cast<std::uint64_t>(seed);
    s.crossover = r.fraction("crossover", 0.9);
    s.etaCrossover = r.positive("eta_crossover", 15.0);
    s.etaMutation = r.positive("eta_mutation", 20.0);
    if (r.has("reference")) {
        const QJsonArray ref = r.array("reference");
        for (int i = 0; i < ref.size(); ++i) {
            if (!ref[i].isDouble() || !std::isfinite(ref[i].toDouble()))
                throw InputError("", r.field("reference") + "[" + std::to_string(i) + "]", "must be a number");
            s.reference.push_back(ref[i].toDouble());
        }
    }
    return s;
}

std::vector<StudyAxis> parseSearchSpace(const JsonReader& r, std::int64_t& size)
{
    std::vector<StudyAxis> axes;
    if (r.raw().isEmpty()) throw InputError("", r.path(), "lists no parameters to search");
    for (auto it = r.raw().begin(); it != r.raw().end(); ++it) {
        const std::string k = it.key().toStdString();
        axes.push_back(spaceAxis(k, it.value(), r.field(k.c_str())));
        const auto n = static_cast<std::int64_t>(axes.back().values.size());
        if (size > kMaxSpace / n) r.fail(k.c_str(), "the space has more than 2^62 points");
        size *= n;
    }
    return axes;
}

std::int64_t spaceIndex(const std::vector<StudyAxis>& axes, const int* genes)
{
    std::int64_t index = 0;
    for (size_t i = 0; i < axes.size(); ++i) index = index * static_cast<std::int64_t>(axes[i].values.size()) + genes[i];
    return index;
}

void spaceGenes(const std::vector<StudyAxis>& axes, std::int64_t index, int* genes)
{
    for (size_t i = axes.size(); i-- > 0;) {
        const auto n = static_cast<std::int64_t>(axes[i].values.size());
        genes[i] = static_cast<int>(index % n);
        index /= n;
    }
}

} // namespace llmdse
