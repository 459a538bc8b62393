#include "core/Statistics.h"

#include <array>
#include <cmath>

namespace llmdse {

namespace {

// E[max] = integral of x n phi(x) Phi(x)^(n-1) dx, by the trapezoid rule over [-8, 8] (the tails beyond
// carry under 1e-14 of the mass for the n the estimators ask about).
double integrateExpectedMax(int n)
{
    constexpr int kSteps = 800;
    constexpr double lo = -8, hi = 8, h = (hi - lo) / kSteps;
    const double invSqrt2Pi = 1 / std::sqrt(2 * M_PI);
    double sum = 0;
    for (int i = 0; i <= kSteps; ++i) {
        const double x = lo + i * h;
        const double pdf = invSqrt2Pi * std::exp(-0.5 * x * x);
        const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
        const double f = x * n * pdf * std::pow(cdf, n - 1);
        sum += (i == 0 || i == kSteps) ? 0.5 * f : f;
    }
    return sum * h;
}

} // namespace

double expectedMaxStandardNormal(int n)
{
    if (n <= 1) return 0;
    constexpr int kTabled = 64;
    static const std::array<double, kTabled + 1> table = [] {
        std::array<double, kTabled + 1> t{};
        for (int i = 2; i <= kTabled; ++i) t[i] = integrateExpectedMax(i);
        return t;
    }();
    return n <= kTabled ? table[n] : integrateExpectedMax(n);
}

} // namespace llmdse
