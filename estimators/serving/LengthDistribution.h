#pragma once
// Token-length distribution of a request stream, written compactly on the
// command line: "512" (fixed), "uniform:A:B" (whole numbers A..B inclusive),
// "lognormal:MEAN:SIGMA" (MEAN in tokens, SIGMA of the underlying normal), or
// empirical: "sharegpt" (the bundled ShareGPT sample, resources/serving/) or
// "empirical:FILE" (a CSV with a `prompt`, `output` or `tokens` column), each
// row equally likely. Samples are whole numbers >= 1.
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace llmdse {

class LengthDistribution {
public:
    enum class Kind { Fixed, Uniform, LogNormal, Empirical };

    // Throws InputError(field) naming the bad part (InputError(file, "line N: column") for a bad table row).
    // `column`: which column of an empirical table ("prompt" or "output").
    static LengthDistribution parse(const std::string& text, const std::string& field,
                                    const std::string& column = "prompt");
    static LengthDistribution fixed(int n);
    static LengthDistribution empirical(std::vector<int> samples, std::string name);

    int sample(std::mt19937_64& rng) const;
    double mean() const;
    std::string describe() const; // "uniform 128..2048 tokens"

private:
    Kind kind_ = Kind::Fixed;
    double a_ = 1, b_ = 1; // fixed: a; uniform: [a, b]; lognormal: mean a, sigma b
    std::shared_ptr<const std::vector<int>> samples_; // empirical
    std::string name_;
};

// The `column` of an empirical length table (CSV text with a header); InputError(file, "line N: ...") when bad.
std::vector<int> parseLengthTable(const std::string& text, const std::string& file, const std::string& column);

} // namespace llmdse
