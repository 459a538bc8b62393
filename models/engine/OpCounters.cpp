#include "models/engine/OpCounters.h"

namespace llmdse {

void OpCounters::add(const std::string& op, double flops, double bytes, double seconds)
{
    OpCount& c = ops_[op];
    c.flops += flops;
    c.bytes += bytes;
    c.seconds += seconds;
    ++c.calls;
}

OpCount OpCounters::total() const
{
    OpCount t;
    for (const auto& [k, c] : ops_) {
        t.flops += c.flops;
        t.bytes += c.bytes;
        t.seconds += c.seconds;
        t.calls += c.calls;
    }
    return t;
}

} // namespace llmdse
