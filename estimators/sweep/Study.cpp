#include "estimators/sweep/Study.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/RuntimeZoo.h"
#include "core/Units.h"
#include "estimators/search/SearchSpace.h"
#include "models/DesignJson.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace llmdse {

namespace {

constexpr std::int64_t kMaxPoints = std::int64_t(1) << 40;

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Uniform in [0, 1) from (seed, sample, axis): counter-based, so any point is reproducible alone.
double uniform(std::uint64_t seed, std::int64_t sample, size_t axis)
{
    std::uint64_t h = splitmix(seed ^ splitmix(std::uint64_t(sample) * 0x100000001b3ULL + axis));
    return (h >> 11) * (1.0 / 9007199254740992.0);
}

StudyAxis gridAxis(const std::string& key, const QJsonValue& v, const std::string& where)
{
    StudyAxis a;
    a.key = key;
    a.field = &requireDesignField(key, where);
    a.kind = StudyAxis::Kind::Grid;
    if (!v.isArray()) throw InputError("", where, "must be a list of values");
    const QJsonArray arr = v.toArray();
    if (arr.isEmpty()) throw InputError("", where, "must list at least one value");
    for (int i = 0; i < arr.size(); ++i) {
        a.values.push_back(a.field->parse(arr[i], where + "[" + std::to_string(i) + "]"));
        a.rawValues.push_back(arr[i]);
    }
    return a;
}

StudyAxis rangeAxis(const std::string& key, const QJsonValue& v, const std::string& where)
{
    StudyAxis a;
    a.key = key;
    a.field = &requireDesignField(key, where);
    if (v.isObject() && v.toObject().contains("values")) {
        StudyAxis g = gridAxis(key, v.toObject().value("values"), where + ".values");
        g.kind = StudyAxis::Kind::Choice;
        return g;
    }
    if (a.field->kind == DesignField::Kind::Text || a.field->kind == DesignField::Kind::Boolean)
        throw InputError("", where, "'" + key + "' takes {\"values\": [...]} (a choice), not a numeric range");
    a.kind = StudyAxis::Kind::Range;
    a.integer = a.field->kind == DesignField::Kind::Integer;
    if (v.isArray() && v.toArray().size() == 2) {
        a.min = a.field->parse(v.toArray()[0], where + "[0]").number;
        a.max = a.field->parse(v.toArray()[1], where + "[1]").number;
    } else if (v.isObject()) {
        JsonReader r(v.toObject(), where);
        a.min = a.field->parse(r.raw().value("min"), r.field("min")).number;
        a.max = a.field->parse(r.raw().value("max"), r.field("max")).number;
        a.log = r.boolean("log", false);
    } else {
        throw InputError("", where, "must be [min, max], {\"min\", \"max\", \"log\"} or {\"values\": [...]}");
    }
    if (a.max < a.min) throw InputError("", where, "max is below min");
    if (a.log && a.min <= 0) throw InputError("", where, "a log range needs min > 0");
    return a;
}

} // namespace

bool Constraint::admits(const MetricRow& m) const
{
    const double v = m[size_t(metric)];
    switch (op) {
    case Lt: return v < bound;
    case Le: return v <= bound;
    case Gt: return v > bound;
    case Ge: return v >= bound;
    case Holds: return v != 0 && !std::isnan(v);
    }
    return false;
}

double Constraint::violation(const MetricRow& m) const
{
    if (admits(m)) return 0;
    const double v = m[size_t(metric)];
    if (std::isnan(v) || op == Holds) return 1;
    // Strict bounds missed exactly still count, by a sliver.
    return std::max(std::abs(v - bound) / std::max(std::abs(bound), 1e-12), 1e-9);
}

std::string Constraint::text() const
{
    static const char* ops[] = {"<", "<=", ">", ">="};
    if (op == Holds) return metricName(metric);
    return std::string(metricName(metric)) + " " + ops[op] + " " + formatNumber(bound);
}

Constraint parseConstraint(const std::string& text, const std::string& where)
{
    // metric, operator, number: "tpot_s <= 0.05", "memory_bytes<8e10"
    size_t i = 0;
    auto skip = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    skip();
    const size_t nameBegin = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    const std::string name = text.substr(nameBegin, i - nameBegin);
    skip();
    Constraint c;
    if (i == text.size() && !name.empty()) {
        // A bare metric: a yes/no one ("fits") that must hold.
        c.metric = parseMetric(name, where);
        if (std::string(metricUnit(c.metric)) != "bool")
            throw InputError("", where, "'" + name + "' is not a yes/no metric; bound it, e.g. \"" + name + " <= 1\"");
        c.op = Constraint::Holds;
        return c;
    }
    if (name.empty()) throw InputError("", where, "cannot read '" + text + "': it must start with a metric name");
    if (text.compare(i, 2, "<=") == 0) c.op = Constraint::Le, i += 2;
    else if (text.compare(i, 2, ">=") == 0) c.op = Constraint::Ge, i += 2;
    else if (text.compare(i, 1, "<") == 0) c.op = Constraint::Lt, i += 1;
    else if (text.compare(i, 1, ">") == 0) c.op = Constraint::Gt, i += 1;
    else throw InputError("", where, "cannot read '" + text + "' (expected e.g. \"tpot_s <= 0.05\": a metric, <, <=, > or >=, a number)");
    c.metric = parseMetric(name, where);
    skip();
    const std::string number = text.substr(i);
    char* end = nullptr;
    c.bound = std::strtod(number.c_str(), &end);
    if (number.empty() || end == number.c_str() || std::string(end).find_first_not_of(" \t") != std::string::npos ||
        !std::isfinite(c.bound))
        throw InputError("", where, "'" + number + "' is not a number (SI units: seconds, bytes, watts ...)");
    return c;
}

bool Study::admits(const MetricRow& m) const
{
    for (const Constraint& c : constraints)
        if (!c.admits(m)) return false;
    return true;
}

double Study::violation(const MetricRow& m) const
{
    double v = 0;
    for (const Constraint& c : constraints) v += c.violation(m);
    return v;
}

std::string Study::fingerprint() const
{
    QJsonObject o = json;
    const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(16).toStdString();
}

Study parseStudy(const QJsonObject& obj, const std::string& file)
{
    try {
        JsonReader r(obj);
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const std::string k = it.key().toStdString();
            if (k != "base" && k != "grid" && k != "random" && k != "objectives" && k != "constraints" && k != "estimator" &&
                k != "description" && k != "search" && k != "space" && k.rfind("_", 0) != 0)
                throw InputError("", k, "unknown study key (expected base, grid, random, search, space, objectives, "
                                        "constraints, estimator, description)");
        }
        Study s;
        s.file = file;
        s.json = obj;
        const JsonReader base = r.object("base");
        s.base = designFromJson(base.raw(), "", "base");
        for (auto it = base.raw().begin(); it != base.raw().end(); ++it) {
            const std::string k = it.key().toStdString();
            if (k.find('.') == std::string::npos) continue;
            const auto& f = requireDesignField(k, "base." + k);
            s.baseOverrides.emplace_back(&f, f.parse(it.value(), "base." + k));
        }
        std::vector<StudyAxis> axes;
        if (auto grid = r.optionalObject("grid"))
            for (auto it = grid->raw().begin(); it != grid->raw().end(); ++it) {
                const std::string k = it.key().toStdString();
                axes.push_back(gridAxis(k, it.value(), grid->field(k.c_str())));
                s.gridSize *= static_cast<std::int64_t>(axes.back().values.size());
                if (s.gridSize > kMaxPoints) grid->fail(k.c_str(), "the grid has more than 2^40 points");
            }
        if (auto rnd = r.optionalObject("random")) {
            s.samples = rnd->positiveInt("samples");
            s.seed = static_cast<std::uint64_t>(rnd->nonNegative("seed", 0.0));
            const JsonReader ranges = rnd->object("ranges");
            for (auto it = ranges.raw().begin(); it != ranges.raw().end(); ++it) {
                const std::string k = it.key().toStdString();
                for (const auto& a : axes)
                    if (a.key == k) ranges.fail(k.c_str(), "is already a grid axis");
                axes.push_back(rangeAxis(k, it.value(), ranges.field(k.c_str())));
            }
        }
        if (r.has("search") || r.has("space")) {
            if (!r.has("search")) r.fail("space", "a space is searched: add \"search\": {\"algorithm\": \"nsga2\", \"budget\": N}");
            if (r.has("grid") || r.has("random")) r.fail("search", "a search explores its \"space\"; drop \"grid\" and \"random\"");
            s.search = parseSearchSpec(r.object("search"));
            axes = parseSearchSpace(r.object("space"), s.gridSize);
        }
        if (axes.size() > 32) r.fail("grid", "more than 32 varied parameters");
        for (int pass = 0; pass < 2; ++pass)
            for (const auto& a : axes)
                if (a.root() == (pass == 0)) s.axes.push_back(a);
        if (r.has("objectives")) {
            const QJsonArray objs = r.array("objectives");
            for (int i = 0; i < objs.size(); ++i) {
                const std::string where = "objectives[" + std::to_string(i) + "]";
                if (!objs[i].isString()) throw InputError("", where, "must be a metric name, '-name' to maximise");
                std::string name = objs[i].toString().toStdString();
                Objective o;
                o.maximise = !name.empty() && name[0] == '-';
                o.metric = parseMetric(o.maximise ? name.substr(1) : name, where);
                s.objectives.push_back(o);
            }
        }
        if (r.has("constraints")) {
            const QJsonArray cons = r.array("constraints");
            for (int i = 0; i < cons.size(); ++i) {
                const std::string where = "constraints[" + std::to_string(i) + "]";
                if (!cons[i].isString()) throw InputError("", where, "must be a bound such as \"tpot_s <= 0.05\"");
                s.constraints.push_back(parseConstraint(cons[i].toString().toStdString(), where));
            }
        }
        if (s.search && s.objectives.empty()) r.fail("objectives", "a search needs at least one objective");
        s.estimator = r.string("estimator", "");
        bool runtimeAxis = false;
        for (const auto& a : s.axes) runtimeAxis = runtimeAxis || a.key == "runtime";
        s.autoRuntime = !base.has("runtime") && !runtimeAxis;
        if (s.totalPoints() > kMaxPoints) r.fail("random", "grid x samples exceeds 2^40 points");
        return s;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

Study readStudyFile(const std::string& file) { return parseStudy(readJsonObjectFile(file), file); }

PointGenerator::PointGenerator(const Study& s) : s_(s), design_(s.base), lastRoot_(s.axes.size(), -1) {}

const Design& PointGenerator::at(std::int64_t index, double* params)
{
    std::int64_t g = index % s_.gridSize;
    const std::int64_t sample = index / s_.gridSize;
    // Mixed radix over grid axes, the last-listed grid axis varying fastest.
    std::int64_t stride = s_.gridSize;
    bool overridesDone = false;
    for (size_t i = 0; i < s_.axes.size(); ++i) {
        const StudyAxis& a = s_.axes[i];
        if (!a.root() && !overridesDone) {
            // Dotted base keys refine whatever root (model/hardware) this point uses.
            for (const auto& [f, v] : s_.baseOverrides) f->apply(design_, v);
            overridesDone = true;
        }
        std::int64_t choice = 0;
        if (a.kind == StudyAxis::Kind::Grid) {
            stride /= static_cast<std::int64_t>(a.values.size());
            choice = (g / stride) % static_cast<std::int64_t>(a.values.size());
        } else if (a.kind == StudyAxis::Kind::Choice) {
            choice = std::min<std::int64_t>(static_cast<std::int64_t>(uniform(s_.seed, sample, i) * a.values.size()),
                                            static_cast<std::int64_t>(a.values.size()) - 1);
        } else {
            const double u = uniform(s_.seed, sample, i);
            double v = a.log ? std::exp(std::log(a.min) + u * (std::log(a.max) - std::log(a.min)))
                             : a.min + u * (a.max - a.min);
            if (a.integer) v = std::min(a.max, std::max(a.min, std::round(v)));
            FieldValue fv;
            fv.number = v;
            a.field->apply(design_, fv);
            params[i] = v;
            continue;
        }
        params[i] = a.textual() ? double(choice) : a.values[choice].number;
        if (a.root() && lastRoot_[i] == choice) continue; // unchanged model/hardware: skip the copy
        if (a.root()) lastRoot_[i] = choice;
        a.field->apply(design_, a.values[choice]);
        if (a.key == "hardware" && s_.autoRuntime) {
            const std::string rt = defaultRuntimeId(design_.hardware.cls);
            if (design_.runtime.id != rt) design_.runtime = runtimeFor(resolveRuntime(rt), design_.hardware);
        }
    }
    if (!overridesDone)
        for (const auto& [f, v] : s_.baseOverrides) f->apply(design_, v);
    return design_;
}

} // namespace llmdse
