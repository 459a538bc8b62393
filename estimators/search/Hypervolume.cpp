#include "estimators/search/Hypervolume.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace llmdse {

namespace {

using Points = std::vector<std::vector<double>>;

// Points already inside the reference box, `dims` leading coordinates used. Four or more
// objectives slice recursively (exact, slower).
double volume(Points& pts, const std::vector<double>& ref, size_t dims)
{
    if (pts.empty()) return 0;
    if (dims == 1) {
        double best = ref[0];
        for (const auto& p : pts) best = std::min(best, p[0]);
        return ref[0] - best;
    }
    if (dims == 2) {
        std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]); });
        double area = 0, lowest = ref[1];
        for (size_t i = 0; i < pts.size(); ++i) {
            lowest = std::min(lowest, pts[i][1]);
            const double right = i + 1 < pts.size() ? pts[i + 1][0] : ref[0];
            area += (right - pts[i][0]) * (ref[1] - lowest);
        }
        return area;
    }
    if (dims == 3) {
        // Sweep upwards in the third objective, keeping the slice's 2-D staircase (non-dominated
        // (x, y) sorted by x, so y falls) and its area: O(n) per point, no copies.
        std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a[2] < b[2]; });
        std::vector<std::pair<double, double>> stairs;
        double total = 0;
        for (size_t i = 0; i < pts.size(); ++i) {
            const double x = pts[i][0], y = pts[i][1];
            auto at = std::lower_bound(stairs.begin(), stairs.end(), std::make_pair(x, -1e308));
            const bool dominated = (at != stairs.begin() && std::prev(at)->second <= y) || (at != stairs.end() && at->first == x && at->second <= y);
            if (!dominated) {
                auto end = at;
                while (end != stairs.end() && end->second >= y) ++end; // the points it dominates
                at = stairs.erase(at, end);
                stairs.insert(at, {x, y});
            }
            const double top = i + 1 < pts.size() ? pts[i + 1][2] : ref[2];
            if (top <= pts[i][2]) continue;
            double area = 0;
            for (size_t k = 0; k < stairs.size(); ++k) {
                const double right = k + 1 < stairs.size() ? stairs[k + 1].first : ref[0];
                area += (right - stairs[k].first) * (ref[1] - stairs[k].second);
            }
            total += (top - pts[i][2]) * area;
        }
        return total;
    }
    const size_t last = dims - 1;
    std::sort(pts.begin(), pts.end(), [last](const auto& a, const auto& b) { return a[last] < b[last]; });
    double total = 0;
    Points slice;
    for (size_t i = 0; i < pts.size(); ++i) {
        slice.push_back(pts[i]);
        const double top = i + 1 < pts.size() ? pts[i + 1][last] : ref[last];
        const double depth = top - pts[i][last];
        if (depth <= 0) continue;
        Points copy = slice; // the recursion sorts its input
        total += depth * volume(copy, ref, dims - 1);
    }
    return total;
}

} // namespace

double hypervolume(Points points, const std::vector<double>& reference)
{
    Points inside;
    for (auto& p : points) {
        bool in = p.size() >= reference.size();
        for (size_t i = 0; in && i < reference.size(); ++i) in = std::isfinite(p[i]) && p[i] < reference[i];
        if (in) inside.push_back(std::move(p));
    }
    return volume(inside, reference, reference.size());
}

} // namespace llmdse
