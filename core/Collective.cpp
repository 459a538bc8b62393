#include "core/Collective.h"
#include "core/Errors.h"

namespace llmdse {

const char* toString(Collective c)
{
    switch (c) {
    case Collective::Send: return "send";
    case Collective::AllReduce: return "all_reduce";
    case Collective::AllGather: return "all_gather";
    case Collective::AllToAll: return "all_to_all";
    case Collective::ReduceScatter: return "reduce_scatter";
    }
    return "send";
}

const char* toString(CollectivePattern p)
{
    switch (p) {
    case CollectivePattern::Ring: return "ring";
    case CollectivePattern::OneShot: return "one_shot";
    case CollectivePattern::TwoShot: return "two_shot";
    case CollectivePattern::Switch: return "switch";
    }
    return "ring";
}

const char* toString(Topology t)
{
    switch (t) {
    case Topology::Switch: return "switch";
    case Topology::Ring: return "ring";
    case Topology::Torus: return "torus";
    }
    return "switch";
}

Topology parseTopology(const std::string& s, const std::string& field)
{
    for (auto t : {Topology::Switch, Topology::Ring, Topology::Torus})
        if (s == toString(t)) return t;
    throw InputError("", field, "unknown topology '" + s + "' (switch, ring or torus)");
}

CollectivePattern parseCollectivePattern(const std::string& s, const std::string& field)
{
    for (auto p : {CollectivePattern::Ring, CollectivePattern::OneShot, CollectivePattern::TwoShot, CollectivePattern::Switch})
        if (s == toString(p)) return p;
    throw InputError("", field, "unknown pattern '" + s + "' (ring, one_shot, two_shot or switch)");
}

} // namespace llmdse
