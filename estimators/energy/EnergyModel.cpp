#include "estimators/energy/EnergyModel.h"
#include "estimators/energy/TechnologyTable.h"

#include <algorithm>

namespace llmdse {

EnergyModel::EnergyModel(const Design& d)
{
    const auto& tech = TechnologyTable::instance();
    const auto& hw = d.hardware;
    const auto& rt = d.runtime;
    const double node = tech.nodeFactor(hw.processNm); // one interpolation per design, not per precision
    for (int i = 0; i < kPrecisionCount; ++i)
        flopPj_[i] = tech.pjPerFlop45(static_cast<Precision>(i)) * node * rt.flopEnergyScale;
    memPjPerByte_ = hw.mainMemory().energyPjPerBit * 8.0 * rt.memoryEnergyScale;
    pimPjPerByte_ = hw.pimEnergyPjPerBit * 8.0 * rt.memoryEnergyScale;
    linkPjPerByte_ = tech.linkPjPerBit() * 8.0;
    idleW_ = hw.idleW;
    tdpW_ = hw.tdpW;
    busyW_ = rt.busyPowerFraction * (hw.tdpW - hw.idleW);
    active_ = double(d.parallel.tensor) * std::max(1, d.parallel.expert);
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

double EnergyModel::staticJ(double seconds) const
{
    return seconds * (powered_ * idleW_ + active_ * busyW_);
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
