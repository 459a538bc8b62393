#include "estimators/serving/LengthDistribution.h"
#include "core/Errors.h"
#include "core/InputFile.h"
#include "core/Units.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace llmdse {

namespace {

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> parts;
    std::stringstream in(s);
    std::string p;
    while (std::getline(in, p, sep)) parts.push_back(p);
    if (!s.empty() && s.back() == sep) parts.push_back("");
    return parts;
}

double number(const std::string& text, const std::string& field, const std::string& what)
{
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v))
        throw InputError("", field, what + " must be a number, got '" + text + "'");
    return v;
}

int tokens(const std::string& text, const std::string& field, const std::string& what)
{
    double v = number(text, field, what);
    if (v < 1 || v != std::floor(v) || v > 1e8)
        throw InputError("", field, what + " must be a whole number of tokens >= 1, got '" + text + "'");
    return static_cast<int>(v);
}

constexpr int kMaxTableRows = 10'000'000;
constexpr std::int64_t kMaxTableBytes = 256ll << 20;

std::string trimmed(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

} // namespace

std::vector<int> parseLengthTable(const std::string& text, const std::string& file, const std::string& column)
{
    std::istringstream in(text);
    std::string line;
    int number = 0, index = -1;
    size_t width = 0;
    std::vector<int> out;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = "line " + std::to_string(number);
        if (line.size() > size_t(kMaxLineBytes))
            throw InputError(file, where, "longer than " + std::to_string(kMaxLineBytes) + " bytes: not a length table row");
        line = trimmed(line);
        if (line.empty() || line[0] == '#') continue;
        auto cells = split(line, ',');
        for (auto& c : cells) c = trimmed(c);
        if (index < 0) {
            for (size_t i = 0; i < cells.size(); ++i)
                if (cells[i] == column || cells[i] == "tokens") index = int(i);
            if (index < 0) throw InputError(file, where + ": header", "no '" + column + "' or 'tokens' column in '" + line + "'");
            width = cells.size();
            continue;
        }
        if (cells.size() != width)
            throw InputError(file, where, "expected " + std::to_string(width) + " comma-separated fields, got " +
                                              std::to_string(cells.size()));
        if (int(out.size()) >= kMaxTableRows)
            throw InputError(file, where, "more than " + std::to_string(kMaxTableRows) + " rows");
        try {
            out.push_back(tokens(cells[size_t(index)], where + ": " + column, "the length"));
        } catch (const InputError& e) {
            rethrowWithFile(e, file);
        }
    }
    if (index < 0) throw InputError(file, "header", "missing: the first line names the columns");
    if (out.empty()) throw InputError(file, "", "no rows after the header");
    return out;
}

LengthDistribution LengthDistribution::fixed(int n)
{
    LengthDistribution d;
    d.a_ = d.b_ = n;
    return d;
}

LengthDistribution LengthDistribution::empirical(std::vector<int> samples, std::string name)
{
    LengthDistribution d;
    d.kind_ = Kind::Empirical;
    double sum = 0;
    for (int x : samples) sum += x;
    d.a_ = samples.empty() ? 1 : sum / double(samples.size());
    d.samples_ = std::make_shared<const std::vector<int>>(std::move(samples));
    d.name_ = std::move(name);
    return d;
}

LengthDistribution LengthDistribution::parse(const std::string& text, const std::string& field, const std::string& column)
{
    if (text == "sharegpt") {
        const std::string path = ":/serving/sharegpt.csv";
        return empirical(parseLengthTable(readInputFile(path, kMaxTableBytes).toStdString(), path, column),
                         "ShareGPT sample");
    }
    if (text.rfind("empirical:", 0) == 0) {
        const std::string file = text.substr(10);
        if (file.empty()) throw InputError("", field, "empirical:FILE needs a file");
        return empirical(parseLengthTable(readInputFile(file, kMaxTableBytes).toStdString(), file, column), file);
    }
    const auto parts = split(text, ':');
    const std::string usage = " (use N, uniform:MIN:MAX, lognormal:MEAN:SIGMA, sharegpt or empirical:FILE)";
    if (parts.size() == 1) return fixed(tokens(parts[0], field, "the length"));
    LengthDistribution d;
    if (parts[0] == "uniform" && parts.size() == 3) {
        d.kind_ = Kind::Uniform;
        d.a_ = tokens(parts[1], field, "MIN");
        d.b_ = tokens(parts[2], field, "MAX");
        if (d.b_ < d.a_) throw InputError("", field, "MAX must be >= MIN in '" + text + "'");
        return d;
    }
    if (parts[0] == "lognormal" && parts.size() == 3) {
        d.kind_ = Kind::LogNormal;
        d.a_ = number(parts[1], field, "MEAN");
        d.b_ = number(parts[2], field, "SIGMA");
        if (d.a_ < 1 || d.a_ > 1e8) throw InputError("", field, "MEAN must be between 1 and 1e8 tokens, got '" + parts[1] + "'");
        if (d.b_ < 0 || d.b_ > 5) throw InputError("", field, "SIGMA must be in [0, 5], got '" + parts[2] + "'");
        return d;
    }
    throw InputError("", field, "unknown length distribution '" + text + "'" + usage);
}

int LengthDistribution::sample(std::mt19937_64& rng) const
{
    switch (kind_) {
    case Kind::Fixed: return static_cast<int>(a_);
    case Kind::Uniform: return std::uniform_int_distribution<int>(int(a_), int(b_))(rng);
    case Kind::LogNormal: {
        // mu chosen so that the distribution's mean is a_: E = exp(mu + sigma^2 / 2).
        const double mu = std::log(a_) - 0.5 * b_ * b_;
        const double x = std::lognormal_distribution<double>(mu, b_)(rng);
        return static_cast<int>(std::clamp(std::round(x), 1.0, 1e7));
    }
    case Kind::Empirical:
        return (*samples_)[std::uniform_int_distribution<size_t>(0, samples_->size() - 1)(rng)];
    }
    return 1;
}

double LengthDistribution::mean() const { return kind_ == Kind::Uniform ? 0.5 * (a_ + b_) : a_; }

std::string LengthDistribution::describe() const
{
    switch (kind_) {
    case Kind::Fixed: return formatNumber(a_) + " tokens";
    case Kind::Uniform: return "uniform " + formatNumber(a_) + ".." + formatNumber(b_) + " tokens";
    case Kind::LogNormal: return "lognormal, mean " + formatNumber(a_) + " tokens, sigma " + formatNumber(b_);
    case Kind::Empirical:
        return name_ + " (" + std::to_string(samples_->size()) + " rows, mean " + formatNumber(a_) + " tokens)";
    }
    return "";
}

} // namespace llmdse
