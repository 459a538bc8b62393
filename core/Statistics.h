#pragma once
// Small order statistics shared by the measured checks.
#include <algorithm>
#include <vector>

namespace llmdse {

// The median (mean of the middle two for an even count); 0 for none.
inline double median(std::vector<double> v)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// Expected largest of n independent standard normal draws (0 for n <= 1; 0.564, 1.029, 1.424 for 2, 4,
// 8): how far the slowest of n ranks lags their mean when each rank's time has unit spread.
double expectedMaxStandardNormal(int n);

} // namespace llmdse
