#pragma once
// Closed-form sums of max(a(c), b(c)) for affine a, b over integer contexts
// c0 .. c0+n-1: a whole generation's decode steps without a loop per token.
#include "models/OpGraph.h"

namespace llmdse {

struct MaxSum {
    double total = 0;     // sum of max(a, b)
    double aDominant = 0; // the part of `total` where a >= b
};

double sumAffine(const Affine& a, double c0, double n);
MaxSum sumMaxAffine(const Affine& a, const Affine& b, double c0, double n);

} // namespace llmdse
