#include "estimators/energy/EnergyModel.h"
#include "estimators/PipelineSchedule.h"
#include "estimators/energy/TechnologyTable.h"

#include <algorithm>

namespace llmdse {

EnergyModel::EnergyModel(const Design& d)
{
    const auto& tech = TechnologyTable::instance();
    const auto& hw = d.hardware;
    const auto& rt = d.runtime;
    const double node = tech.nodeFactor(hw.processNm); // one interpolation per design, not per precision
    // A FLOP costs its datapath's logic (Horowitz, by format) plus delivering its operands (register
    // files, shared memory, on-chip wires). The profile's flop_energy_scale sizes the whole for 16-bit
    // operands; the delivery part scales with operand width, so FP8 and INT8 on the same tensor cores
    // cost nearly alike, and about half of FP16.
    const double scale = rt.flopEnergyScale;
    const double delivery16 = std::max(0.0, scale - 1) * tech.pjPerFlop45(Precision::FP16);
    for (int i = 0; i < kPrecisionCount; ++i) {
        const auto p = static_cast<Precision>(i);
        flopPj_[i] = (tech.pjPerFlop45(p) * std::min(1.0, scale) + delivery16 * bytesPerElement(p) / 2) * node;
    }
    memPjPerByte_ = hw.mainMemory().energyPjPerBit * 8.0 * rt.memoryEnergyScale;
    pimPjPerByte_ = hw.pimEnergyPjPerBit * 8.0 * rt.memoryEnergyScale;
    linkPjPerByte_ = tech.linkPjPerBit() * 8.0;
    idleW_ = hw.idleW;
    tdpW_ = hw.tdpW;
    busyW_ = rt.busyPowerFraction * (hw.tdpW - hw.idleW);
    overheadIdle_ = rt.overheadIdleFraction;
    active_ = double(d.parallel.tensor) * std::max(1, d.parallel.expert);
    // A batch smaller than (or not divisible into) members x microbatches leaves some slots empty.
    const PipelinePlan plan = planPipeline(d);
    const double slots = double(std::max(1, d.parallel.expert)) * plan.microbatches * plan.microbatch;
    filled_ = active_ * std::min(1.0, d.workload.batch / slots);
    powered_ = d.parallel.devices();
    capped_ = rt.powerCapped;
}

double EnergyModel::dynamicJ(Precision executed, double flops, double memoryBytes, double commBytes,
                             double dequantFlops, bool nearMemory) const
{
    double pj = flops * flopPj_[int(executed)] + memoryBytes * (nearMemory ? pimPjPerByte_ : memPjPerByte_) +
                commBytes * linkPjPerByte_;
    pj += dequantFlops * flopPj_[int(Precision::FP32)];
    return pj * 1e-12;
}

double EnergyModel::staticJ(double seconds, double overheadSeconds) const
{
    const double busyS = seconds - overheadIdle_ * std::clamp(overheadSeconds, 0.0, seconds);
    return seconds * powered_ * idleW_ + busyS * active_ * busyW_;
}

double EnergyModel::cappedTime(double seconds, double dynamicJ) const
{
    if (!capped_ || seconds <= 0) return seconds;
    const double headroom = tdpW_ - idleW_ - busyW_; // per device, for dynamic power
    if (headroom <= 0) return seconds;
    const double minTime = dynamicJ / active_ / headroom;
    return std::max(seconds, minTime);
}

} // namespace llmdse
