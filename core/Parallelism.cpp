#include "core/Parallelism.h"

#include <cmath>

namespace llmdse {

const char* toString(TensorLayout l)
{
    switch (l) {
    case TensorLayout::TwoD: return "2d";
    case TensorLayout::WeightGathered: return "weight_gathered";
    case TensorLayout::OneD: break;
    }
    return "1d";
}

TensorGrid tensorGrid(const Parallelism& p, int hidden, int intermediate)
{
    const int tp = p.tensor < 1 ? 1 : p.tensor;
    if (p.layout == TensorLayout::WeightGathered) return {1, 1};
    if (p.layout == TensorLayout::OneD || tp == 1) return {1, tp};
    const double target = std::log(std::sqrt(double(tp) * hidden / (intermediate > 0 ? intermediate : hidden)));
    int best = 1;
    auto consider = [&](int x) {
        if (std::fabs(std::log(double(x)) - target) < std::fabs(std::log(double(best)) - target)) best = x;
    };
    for (int x = 1; x * x <= tp; ++x)
        if (tp % x == 0) consider(x), consider(tp / x);
    return {best, tp / best};
}

AttentionShards attentionShards(const Parallelism& p, const TensorGrid& g, int kvHeads)
{
    if (p.layout == TensorLayout::WeightGathered) return {1, p.tensor < 1 ? 1 : p.tensor};
    if (p.layout == TensorLayout::OneD || g.x * g.y <= 1) return {g.y, g.x};
    int split = 1; // the largest divisor of y that does not exceed the KV heads
    for (int s = 1; s <= g.y; ++s)
        if (g.y % s == 0 && s <= kvHeads) split = s;
    return {split, g.x * (g.y / split)};
}

} // namespace llmdse
