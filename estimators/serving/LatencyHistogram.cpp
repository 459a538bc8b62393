#include "estimators/serving/LatencyHistogram.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

constexpr double kLow = 1e-7;                           // s, the first bin's lower edge
constexpr double kBinsPerDecade = 230;                  // ln(10) / 230 = 1.0% per bin
constexpr int kBins = int(12 * kBinsPerDecade) + 2;     // 1e-7 .. 1e5 s, zero, overflow

int binOf(double s)
{
    if (!(s > 0)) return 0;
    const double x = std::log10(std::max(s, kLow) / kLow) * kBinsPerDecade;
    return std::min(kBins - 1, 1 + int(x));
}

double middleOf(int bin)
{
    if (bin == 0) return 0;
    return kLow * std::pow(10.0, (bin - 0.5) / kBinsPerDecade);
}

} // namespace

LatencyHistogram::LatencyHistogram() : bins_(size_t(kBins), 0) {}

void LatencyHistogram::add(double seconds)
{
    if (seconds != lastSeconds_) {
        lastSeconds_ = seconds;
        lastBin_ = binOf(seconds);
    }
    ++bins_[size_t(lastBin_)];
    ++count_;
    sum_ += seconds;
}

void LatencyHistogram::merge(const LatencyHistogram& o)
{
    for (size_t i = 0; i < bins_.size(); ++i) bins_[i] += o.bins_[i];
    count_ += o.count_;
    sum_ += o.sum_;
}

double LatencyHistogram::quantile(double q) const
{
    if (count_ == 0) return 0;
    // The order statistic numpy's linear interpolation would put first: rank q * (n - 1).
    const auto rank = std::int64_t(std::floor(std::clamp(q, 0.0, 1.0) * double(count_ - 1)));
    std::int64_t seen = 0;
    for (int b = 0; b < kBins; ++b) {
        seen += bins_[size_t(b)];
        if (seen > rank) return middleOf(b);
    }
    return middleOf(kBins - 1);
}

} // namespace llmdse
