#include "estimators/sweep/Pareto.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmdse {

bool ParetoFront::dominates(const double* a, const double* b, int dims)
{
    bool better = false;
    for (int i = 0; i < dims; ++i) {
        if (a[i] > b[i]) return false;
        if (a[i] < b[i]) better = true;
    }
    return better;
}

bool ParetoFront::offer(std::int64_t index, const double* v)
{
    for (int i = 0; i < dims_; ++i)
        if (!std::isfinite(v[i])) return false;
    const size_t n = indices_.size();
    for (size_t p = 0; p < n; ++p) {
        const double* f = &values_[p * dims_];
        if (dominates(f, v, dims_) || std::equal(f, f + dims_, v)) return false;
    }
    // Remove the points the newcomer dominates (compacting in place).
    size_t w = 0;
    for (size_t p = 0; p < n; ++p) {
        const double* f = &values_[p * dims_];
        if (dominates(v, f, dims_)) continue;
        if (w != p) {
            indices_[w] = indices_[p];
            std::copy(f, f + dims_, &values_[w * dims_]);
        }
        ++w;
    }
    indices_.resize(w);
    values_.resize(w * dims_);
    indices_.push_back(index);
    values_.insert(values_.end(), v, v + dims_);
    return true;
}

void ParetoFront::merge(const ParetoFront& other)
{
    for (size_t p = 0; p < other.indices_.size(); ++p) offer(other.indices_[p], &other.values_[p * dims_]);
}

std::vector<ParetoPoint> ParetoFront::points() const
{
    std::vector<ParetoPoint> out;
    for (size_t p = 0; p < indices_.size(); ++p)
        out.push_back({indices_[p], std::vector<double>(values_.begin() + p * dims_, values_.begin() + (p + 1) * dims_)});
    std::sort(out.begin(), out.end(), [](const ParetoPoint& a, const ParetoPoint& b) {
        if (a.objectives[0] != b.objectives[0]) return a.objectives[0] < b.objectives[0];
        return a.index < b.index;
    });
    return out;
}

} // namespace llmdse
