#pragma once
// Exact hypervolume of a set of points (all objectives minimised) against a reference point:
// the volume they dominate inside the box below the reference. Points not strictly better than
// the reference in every objective add nothing. 2-D: one sweep; 3-D: a sweep in the third
// objective over a 2-D staircase (O(n^2) worst case, no allocation per slice); more: slicing.
#include <vector>

namespace llmdse {

double hypervolume(std::vector<std::vector<double>> points, const std::vector<double>& reference);

} // namespace llmdse
