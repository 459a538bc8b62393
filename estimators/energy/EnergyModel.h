#pragma once
// Energy = dynamic energy per FLOP (precision, process node) and per byte
// (memory level, interconnect) + static power x time. Average power is what
// falls out, never assumed; when it would exceed TDP the clocks drop and the
// phase takes longer (power capping), as measured GPUs do in prefill.
#include "core/Design.h"
#include "estimators/analytical/OpTiming.h"
#include "models/OpGraph.h"

namespace llmdse {

class EnergyModel {
public:
    explicit EnergyModel(const Design& d);

    // Dynamic energy (J) on one device shard.
    double dynamicJ(Precision executed, double flops, double memoryBytes, double commBytes, double dequantFlops,
                    bool nearMemory = false) const;
    // Devices that execute each op (shards of one layer) and devices powered in total. Every
    // expert-parallel member runs the routed experts; the rest of a graph is one member's microbatch,
    // which only the share of members and microbatch slots that the batch fills runs.
    double activeDevices() const { return active_; }
    double activeDevices(const Op& op) const { return op.routed ? active_ : filled_; }
    double poweredDevices() const { return powered_; }
    // Idle power of every powered device (no work anywhere).
    double idlePowerW() const { return powered_ * idleW_; }
    // Static energy over `seconds`, of which `overheadSeconds` are fixed overhead (launch gaps, setup,
    // host waits), when the busy power is partly shed.
    double staticJ(double seconds, double overheadSeconds = 0) const;
    // Time after power capping for a phase of `seconds` with `dynamicJ` of work (all devices).
    double cappedTime(double seconds, double dynamicJ) const;

private:
    double flopPj_[kPrecisionCount]{};
    double memPjPerByte_ = 0, pimPjPerByte_ = 0, linkPjPerByte_ = 0;
    double idleW_ = 0, busyW_ = 0, tdpW_ = 0, overheadIdle_ = 0;
    double active_ = 1, filled_ = 1, powered_ = 1;
    bool capped_ = true;
};

} // namespace llmdse
