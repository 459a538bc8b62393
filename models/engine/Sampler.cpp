#include "models/engine/Sampler.h"
#include "models/engine/VectorMath.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace llmdse {

int Sampler::next(const Eigen::Ref<const Eigen::RowVectorXf>& logits)
{
    const int best = kernels::argmax(logits.data(), static_cast<int>(logits.size()));
    if (o_.greedy || o_.temperature <= 0) return best;
    const int n = static_cast<int>(logits.size());
    std::vector<double> p(static_cast<size_t>(n));
    const double mx = logits[best];
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += (p[size_t(i)] = std::exp((logits[i] - mx) / o_.temperature));
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return p[size_t(a)] > p[size_t(b)]; });
    // Smallest prefix whose mass reaches top_p.
    double mass = 0;
    size_t keep = 0;
    while (keep < order.size()) {
        mass += p[size_t(order[keep])] / sum;
        ++keep;
        if (mass >= o_.topP) break;
    }
    std::uniform_real_distribution<double> u(0.0, mass);
    double r = u(rng_), acc = 0;
    for (size_t i = 0; i < keep; ++i) {
        acc += p[size_t(order[i])] / sum;
        if (r <= acc) return order[i];
    }
    return order[keep - 1];
}

} // namespace llmdse
