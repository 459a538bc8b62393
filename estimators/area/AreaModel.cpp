#include "estimators/area/AreaModel.h"
#include "estimators/area/AreaTable.h"

#include <algorithm>

namespace llmdse {

using area::AreaTable;

double AreaBreakdown::total() const
{
    return matrixMm2 + vectorMm2 + localSramMm2 + globalBufferMm2 + memoryPhyMm2 + pimMm2 + overheadMm2;
}

double areaNodeFactor(double nm) { return AreaTable::instance().nodeFactor(nm); }

const std::string& areaModelSource() { return AreaTable::instance().source(); }

AreaBreakdown estimateArea(const AcceleratorTemplate& t)
{
    const AreaTable& a = AreaTable::instance();
    const double nm = t.processNm;
    const double cores = t.cores;
    const area::PeDatapath pe = area::peDatapath(t);
    AreaBreakdown b;
    b.matrixMm2 = cores * t.pesPerCore() * pe.macs * a.peUm2(pe.kind, nm) * 1e-6;
    b.vectorMm2 = cores * t.vectorLanes * a.vectorLaneUm2(nm) * 1e-6;
    // Local SRAM is built from its banks; the global buffer (no bank count in
    // the template) from the largest efficient unit.
    const double bank = t.localSramBytes / std::max(1, t.localSramBanks);
    b.localSramMm2 = cores * a.sramMm2(t.localSramBytes, bank, nm);
    b.globalBufferMm2 = a.sramMm2(t.globalBufferBytes, a.sramMaxUnitBytes(), nm);
    // An SRAM-only chip's main memory is banks on the die (no PHYs); register files and operand buffers
    // are counted as SRAM too.
    b.memoryPhyMm2 = t.memory.onChip() ? a.sramMm2(t.memory.capacityBytes, t.memory.capacityBytes / t.memory.channels, nm)
                                       : a.memoryInterfaceMm2(t.memory, nm);
    if (t.feed) b.localSramMm2 += cores * t.arraysPerCore * a.sramMm2(t.feed->bytes, t.feed->bytes, nm);
    if (t.pim) {
        // Each unit's FLOPs per cycle as fp16 multiply-adds, in DRAM-process logic.
        const double macs = double(t.memory.channels) * t.pim->unitsPerChannel * t.pim->unitFlopsPerCycle / 2;
        b.pimMm2 = macs * a.peUm2(area::Datapath::Fp16, a.pimLogicNm()) * 1e-6;
    }
    b.overheadMm2 = (cores * a.interconnectUm2PerCore(nm) + cores * t.vectorLanes * a.controlUm2PerLane(nm)) * 1e-6;
    return b;
}

} // namespace llmdse
