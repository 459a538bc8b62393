#pragma once
// Exact hypervolume of a set of points (all objectives minimised) against a reference point:
// the volume they dominate inside the box below the reference. Points not strictly better than
// the reference in every objective add nothing. Slicing on the last objective down to the
// 2-D sweep (exact; O(n^2 log n) in 3-D, fine for fronts of thousands of points).
#include <vector>

namespace llmdse {

double hypervolume(std::vector<std::vector<double>> points, const std::vector<double>& reference);

} // namespace llmdse
