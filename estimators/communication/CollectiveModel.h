#pragma once
// Time of a collective as communication libraries run it: every algorithm the
// runtime profile offers is costed as
//     base + steps(pattern, p) x (link latency + protocol step cost) + (p - 1) x per-peer cost
//          + bytes x traffic(pattern, p) / (link bandwidth x bus efficiency)
// and the fastest that applies (buffer size, device count, topology) is the one
// that runs, as NCCL's tuner and vLLM's custom all-reduce choose. Shared by the
// analytical and the simulation estimators so both price communication alike.
#include "core/Collective.h"
#include "core/HardwareSpec.h"

#include <vector>

namespace llmdse {

struct CollectiveLink {
    double bandwidthBytesPerS = 1; // per direction, per device, all its links
    double latencyS = 0;           // per step (one hop)
    bool peerAccess = false;
    bool switchReduction = false;
    Topology topology = Topology::Switch;
    std::array<int, kMaxTorusDims> torusDims{};
};

struct CollectiveCost {
    double seconds = 0;
    const CollectiveAlgorithm* algorithm = nullptr; // null: the plain ring fallback
};

// Steps and bytes moved per device (as a multiple of the buffer) of one algorithm, and the share of the
// device's link bandwidth it moves them over.
struct CollectiveShape {
    double steps = 0, traffic = 0;
    double bandwidthShare = 1;
};
CollectiveShape collectiveShape(CollectivePattern pattern, Collective c, int devices);
// On the link's topology: a ring algorithm over part of a torus runs one ring per dimension it spans
// (sum of (extent - 1) steps, doubled for an all-reduce) over those dimensions' links only.
CollectiveShape collectiveShape(CollectivePattern pattern, Collective c, int devices, const CollectiveLink& link);

double collectiveSeconds(const CollectiveAlgorithm& a, const CollectiveLink& link, Collective c, double bytes, int devices);

// The fastest applicable algorithm of `algorithms`; with none applicable, a plain ring (no
// fixed cost, the link's full bandwidth).
CollectiveCost collectiveCost(const std::vector<CollectiveAlgorithm>& algorithms, const CollectiveLink& link,
                              Collective c, double bytes, int devices);

} // namespace llmdse
