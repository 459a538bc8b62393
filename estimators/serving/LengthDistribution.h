#pragma once
// Token-length distribution of a request stream, written compactly on the
// command line: "512" (fixed), "uniform:A:B" (whole numbers A..B inclusive) or
// "lognormal:MEAN:SIGMA" (MEAN in tokens, SIGMA of the underlying normal).
// Samples are whole numbers >= 1.
#include <random>
#include <string>

namespace llmdse {

class LengthDistribution {
public:
    enum class Kind { Fixed, Uniform, LogNormal };

    // Throws InputError(field) naming the bad part.
    static LengthDistribution parse(const std::string& text, const std::string& field);
    static LengthDistribution fixed(int n);

    int sample(std::mt19937_64& rng) const;
    double mean() const;
    std::string describe() const; // "uniform 128..2048 tokens"

private:
    Kind kind_ = Kind::Fixed;
    double a_ = 1, b_ = 1; // fixed: a; uniform: [a, b]; lognormal: mean a, sigma b
};

} // namespace llmdse
