#pragma once
// Collective communication as communication libraries implement it: which
// collective an operator needs, and the algorithms a software stack can pick
// from (data in the runtime profile; the cost model is in estimators/communication).
#include <string>
#include <vector>

namespace llmdse {

// What the devices exchange. `bytes` of an operator is always the per-device buffer:
// all-reduce: the vector every device holds; all-gather: the gathered result;
// all-to-all: what one device sends in total (its own share included); send: the message;
// reduce-scatter: the vector every device holds before (each keeps a reduced 1/p of it).
enum class Collective : unsigned char { Send, AllReduce, AllGather, AllToAll, ReduceScatter };
constexpr int kCollectiveCount = 5;
const char* toString(Collective c);

// How an algorithm moves the data (steps and bytes per device, by collective):
//   ring:     all-reduce 2(p-1) steps, 2(p-1)/p of the buffer; gather/all-to-all p-1 steps, (p-1)/p
//   one_shot: one step; all-reduce reads every peer's whole buffer, (p-1) of it
//   two_shot: reduce-scatter then all-gather by direct peer access, 2 steps, 2(p-1)/p
//   switch:   the switch reduces (NVLink SHARP): 2 steps, (1 + 1/p) of the buffer each way
enum class CollectivePattern : unsigned char { Ring, OneShot, TwoShot, Switch };
const char* toString(CollectivePattern p);
// Throws InputError(field) for an unknown name.
CollectivePattern parseCollectivePattern(const std::string& s, const std::string& field);

// How the devices are wired: through a switch (every device one hop from every other, as NVSwitch),
// in a ring (each device linked to two neighbours), or in a torus of `torusDims` (each device linked
// to two neighbours along every dimension, as TPU pods). A collective over part of a torus spans the
// dimensions it fills, in order, and moves its data over those dimensions' links.
enum class Topology : unsigned char { Switch, Ring, Torus };
const char* toString(Topology t);
Topology parseTopology(const std::string& s, const std::string& field);
constexpr int kMaxTorusDims = 4;

struct CollectiveAlgorithm {
    std::string name;
    CollectivePattern pattern = CollectivePattern::Ring;
    unsigned collectives = ~0u;  // bit (1 << Collective) per collective it implements
    double baseS = 0;            // fixed cost per call (set-up, flag barriers), launch excluded
    double stepS = 0;            // protocol cost per step on top of the link's latency
    double peerS = 0;            // cost per peer (flag barriers of direct-access kernels grow with the peers)
    double busEfficiency = 1;    // fraction of the link bandwidth the protocol moves payload at
    double maxBytes = 0;         // largest buffer it takes (custom kernels' registered buffers); 0: any
    int minDevices = 2, maxDevices = 0; // 0: any
    bool needsPeerAccess = false;     // loads/stores into peers' memory (NVSwitch or a full mesh)
    bool needsSwitchReduction = false; // in-switch reduction (NVLink SHARP)

    bool implements(Collective c) const { return collectives & (1u << unsigned(c)); }
};

} // namespace llmdse
