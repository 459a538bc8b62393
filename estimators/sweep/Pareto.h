#pragma once
// Streaming Pareto front: points arrive in any order, the front is kept
// (memory grows with the front, not with the number of points).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmdse {

struct ParetoPoint {
    std::int64_t index = 0;
    std::vector<double> objectives; // all minimised (maximised ones are negated by the caller)
};

class ParetoFront {
public:
    explicit ParetoFront(int dimensions) : dims_(dimensions) {}
    // True if the point entered the front (it was not dominated).
    bool offer(std::int64_t index, const double* objectives);
    void merge(const ParetoFront& other);
    // Sorted by the first objective, then index.
    std::vector<ParetoPoint> points() const;
    size_t size() const { return indices_.size(); }

    // a dominates b: no worse in every objective and better in one.
    static bool dominates(const double* a, const double* b, int dims);

private:
    int dims_;
    std::vector<std::int64_t> indices_;
    std::vector<double> values_; // row-major, dims_ per point
};

} // namespace llmdse
