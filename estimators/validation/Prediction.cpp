#include "estimators/validation/Prediction.h"
#include "core/HardwareZoo.h"
#include "models/DesignFields.h"

#include <cmath>

namespace llmdse {

Design designForMeasurement(const MeasurementSet& set, const Measurement& m, const RuntimeProfile& runtime)
{
    Design d;
    d.model = set.model(m.model);
    d.hardware = resolveHardware(m.device, "device");
    d.runtime = runtime;
    d.workload.batch = m.batch;
    if (m.phase == Phase::Prefill) {
        d.workload.prompt = m.tokens;
        d.workload.output = 1;
    } else {
        d.workload.prompt = m.tokens;
        d.workload.output = 2;
        d.workload.context = m.tokens;
    }
    applyDesignOverrides(d, m.design);
    if (!m.design.isEmpty()) d.validate();
    return d;
}

RowPrediction predictRow(const Estimator& est, const Design& d, Phase phase)
{
    Metrics met = est.evaluate(d);
    const PhaseCost& p = phase == Phase::Prefill ? met.prefill : met.decodeStep;
    return {p.timeS, p.energyJ};
}

ValidationSummary summarise(const MeasurementSet& set, const std::vector<RowPrediction>& pred)
{
    ValidationSummary s;
    double pe = 0, de = 0;
    int pn = 0, dn = 0;
    for (size_t i = 0; i < set.rows.size(); ++i) {
        const auto& m = set.rows[i];
        double err = std::fabs(pred[i].latencyS / m.latencyS - 1.0);
        (m.phase == Phase::Prefill ? s.prefillLatencyMape : s.decodeLatencyMape) += err;
        (m.phase == Phase::Prefill ? s.prefillRows : s.decodeRows) += 1;
        if (m.energyJ > 0) {
            double e = std::fabs(pred[i].energyJ / m.energyJ - 1.0);
            s.energyMape += e;
            ++s.energyRows;
            if (m.phase == Phase::Prefill) { pe += e; ++pn; } else { de += e; ++dn; }
        }
    }
    auto mean = [](double sum, int n) { return n > 0 ? 100.0 * sum / n : 0.0; };
    s.prefillLatencyMape = mean(s.prefillLatencyMape, s.prefillRows);
    s.decodeLatencyMape = mean(s.decodeLatencyMape, s.decodeRows);
    s.energyMape = mean(s.energyMape, s.energyRows);
    s.prefillEnergyMape = mean(pe, pn);
    s.decodeEnergyMape = mean(de, dn);
    return s;
}

} // namespace llmdse
