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

CollectivePattern parseCollectivePattern(const std::string& s, const std::string& field)
{
    for (auto p : {CollectivePattern::Ring, CollectivePattern::OneShot, CollectivePattern::TwoShot, CollectivePattern::Switch})
        if (s == toString(p)) return p;
    throw InputError("", field, "unknown pattern '" + s + "' (ring, one_shot, two_shot or switch)");
}

} // namespace llmdse
