#pragma once
// Percentiles of a latency sample too large to keep (every inter-token gap of a
// million requests): counts in logarithmic bins of 1% width from 100 ns to
// 10^5 s, the mean exact. A percentile is the geometric middle of its bin, so
// it is within 0.5% of the exact order statistic; 0 counts in its own bin.
#include <cstdint>
#include <vector>

namespace llmdse {

class LatencyHistogram {
public:
    LatencyHistogram();
    void add(double seconds);
    void merge(const LatencyHistogram& other);
    std::int64_t count() const { return count_; }
    double mean() const { return count_ ? sum_ / double(count_) : 0.0; }
    double quantile(double q) const; // q in [0, 1]; 0 when empty

private:
    std::vector<std::int64_t> bins_; // bins_[0]: zero gaps (tokens delivered together)
    std::int64_t count_ = 0;
    double sum_ = 0;
    // The last gap and its bin: the sequences of one decode step mostly repeat the same gap, and the
    // logarithm would otherwise cost more than the rest of the simulation.
    double lastSeconds_ = 0;
    int lastBin_ = 0;
};

} // namespace llmdse
