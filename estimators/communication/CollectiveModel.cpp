#include "estimators/communication/CollectiveModel.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

CollectiveShape collectiveShape(CollectivePattern pattern, Collective c, int devices)
{
    const double p = std::max(1, devices);
    const double share = (p - 1) / p; // what leaves or reaches one device of an evenly split buffer
    if (c == Collective::Send) return {1, 1};
    switch (pattern) {
    case CollectivePattern::Ring:
        if (c == Collective::AllReduce) return {2 * (p - 1), 2 * share}; // reduce-scatter + all-gather
        return {p - 1, share};
    case CollectivePattern::OneShot:
        if (c == Collective::AllReduce) return {1, p - 1}; // every peer's whole buffer is read
        return {1, share};
    case CollectivePattern::TwoShot:
        if (c == Collective::AllReduce) return {2, 2 * share};
        return {1, share};
    case CollectivePattern::Switch:
        // In-switch reduction: each device sends its buffer once and receives its reduced share, then
        // sends that share once and receives every reduced share (multicast).
        if (c == Collective::AllReduce) return {2, 1 + 1 / p};
        return {1, share};
    }
    return {p - 1, share};
}

CollectiveShape collectiveShape(CollectivePattern pattern, Collective c, int devices, const CollectiveLink& link)
{
    CollectiveShape s = collectiveShape(pattern, c, devices);
    if (link.topology != Topology::Torus || pattern != CollectivePattern::Ring || c == Collective::Send) return s;
    // The group fills the torus dimensions in order; beyond the torus, what is left is one more ring.
    int dims = 0, spanned = 0;
    double rest = std::max(1, devices), hops = 0;
    for (int d : link.torusDims) {
        if (d <= 0) continue;
        ++dims;
        if (rest <= 1) continue;
        const double extent = std::min<double>(d, rest);
        hops += extent - 1;
        rest = std::ceil(rest / extent);
        ++spanned;
    }
    if (rest > 1) hops += rest - 1, ++spanned, ++dims;
    s.steps = (c == Collective::AllReduce ? 2 : 1) * hops;
    s.bandwidthShare = dims > 0 ? double(std::max(1, spanned)) / dims : 1.0;
    return s;
}

double collectiveSeconds(const CollectiveAlgorithm& a, const CollectiveLink& link, Collective c, double bytes, int devices)
{
    const CollectiveShape s = collectiveShape(a.pattern, c, devices, link);
    return a.baseS + s.steps * (link.latencyS + a.stepS) + (std::max(1, devices) - 1) * a.peerS +
           bytes * s.traffic / (link.bandwidthBytesPerS * s.bandwidthShare * a.busEfficiency);
}

CollectiveCost collectiveCost(const std::vector<CollectiveAlgorithm>& algorithms, const CollectiveLink& link,
                              Collective c, double bytes, int devices)
{
    CollectiveCost best;
    if (devices <= 1) return best;
    for (const CollectiveAlgorithm& a : algorithms) {
        if (!a.implements(c) || devices < a.minDevices || (a.maxDevices > 0 && devices > a.maxDevices)) continue;
        if (a.maxBytes > 0 && bytes > a.maxBytes) continue;
        if ((a.needsPeerAccess && !link.peerAccess) || (a.needsSwitchReduction && !link.switchReduction)) continue;
        const double t = collectiveSeconds(a, link, c, bytes, devices);
        if (!best.algorithm || t < best.seconds) best = {t, &a};
    }
    if (!best.algorithm) best.seconds = collectiveSeconds(CollectiveAlgorithm{}, link, c, bytes, devices);
    return best;
}

} // namespace llmdse
