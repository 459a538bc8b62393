#include "estimators/PhaseSummary.h"
#include "estimators/analytical/MemoryModel.h"

namespace llmdse {

void summarisePhases(const Design& d, Metrics& m)
{
    const int batch = d.workload.batch;
    m.devices = d.parallel.devices();
    m.ttftS = m.prefill.timeS;
    m.tpotS = m.decodeStep.timeS;
    m.e2eS = m.ttftS + m.decodeTotal.timeS;
    m.decodeTokensPerS = batch / m.tpotS;
    m.energyPerTokenJ = m.decodeStep.energyJ / batch;
    m.tokensPerJ = 1.0 / m.energyPerTokenJ;
    m.prefillEnergyJ = m.prefill.energyJ;
    m.totalEnergyJ = m.prefill.energyJ + m.decodeTotal.energyJ;
    m.avgPowerW = m.totalEnergyJ / m.e2eS;
    m.memory = memoryFootprint(d);
}

} // namespace llmdse
