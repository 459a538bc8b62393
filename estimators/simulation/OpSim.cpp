#include "estimators/simulation/OpSim.h"

namespace llmdse {

OpSim& OpSim::operator+=(const OpSim& o)
{
    seconds += o.seconds;
    cycles += o.cycles;
    computeCycles += o.computeCycles;
    dramBytes += o.dramBytes;
    globalBytes += o.globalBytes;
    localBytes += o.localBytes;
    pimBytes += o.pimBytes;
    for (int i = 0; i < kPrecisionCount; ++i) macs[i] += o.macs[i];
    vectorOps += o.vectorOps;
    return *this;
}

OpSim OpSim::scaled(double f) const
{
    OpSim r = *this;
    r.seconds *= f;
    r.cycles *= f;
    r.computeCycles *= f;
    r.dramBytes *= f;
    r.globalBytes *= f;
    r.localBytes *= f;
    r.pimBytes *= f;
    for (double& m : r.macs) m *= f;
    r.vectorOps *= f;
    return r;
}

} // namespace llmdse
