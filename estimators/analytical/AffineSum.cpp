#include "estimators/analytical/AffineSum.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

double sumAffine(const Affine& a, double c0, double n)
{
    if (n <= 0) return 0;
    // sum_{i=0}^{n-1} (x0 + x1 (c0 + i))
    return n * a.x0 + a.x1 * (n * c0 + n * (n - 1) / 2.0);
}

MaxSum sumMaxAffine(const Affine& a, const Affine& b, double c0, double n)
{
    MaxSum r;
    if (n <= 0) return r;
    const double dx0 = a.x0 - b.x0, dx1 = a.x1 - b.x1; // a - b = dx0 + dx1 c
    const double cLast = c0 + n - 1;
    auto whole = [&](bool aWins) {
        r.total = sumAffine(aWins ? a : b, c0, n);
        r.aDominant = aWins ? r.total : 0;
        return r;
    };
    if (dx1 == 0) return whole(dx0 >= 0);
    const double cross = -dx0 / dx1; // a == b here
    if (dx1 > 0) {                    // a wins for c >= cross
        double first = std::ceil(cross);
        if (first <= c0) return whole(true);
        if (first > cLast) return whole(false);
        double nb = first - c0, na = n - nb;
        double sa = sumAffine(a, first, na), sb = sumAffine(b, c0, nb);
        r.total = sa + sb;
        r.aDominant = sa;
    } else {                          // a wins for c <= cross
        double last = std::floor(cross);
        if (last >= cLast) return whole(true);
        if (last < c0) return whole(false);
        double na = last - c0 + 1, nb = n - na;
        double sa = sumAffine(a, c0, na), sb = sumAffine(b, last + 1, nb);
        r.total = sa + sb;
        r.aDominant = sa;
    }
    return r;
}

} // namespace llmdse
