#include "estimators/validation/ValidationReport.h"
#include "core/RuntimeZoo.h"

#include <QJsonArray>

namespace llmdse {

ValidationReport validateMeasurements(const MeasurementSet& set, const Estimator& est, const std::string& runtimeId,
                                      const std::string& runtimeField)
{
    ValidationReport report;
    std::vector<RowPrediction> preds;
    for (const auto& m : set.rows) {
        const Design probe = designForMeasurement(set, m, RuntimeProfile{});
        const std::string rt = runtimeId.empty() ? defaultRuntimeId(probe.hardware.cls) : runtimeId;
        const Design d = designForMeasurement(set, m, resolveRuntime(rt, runtimeField));
        const RowPrediction p = predictRow(est, d, m.phase);
        preds.push_back(p);
        report.rows.push_back({m, p});
    }
    report.summary = summarise(set, preds);
    return report;
}

QJsonObject toJson(const ValidationReport& report)
{
    QJsonArray rows;
    for (const auto& [m, p] : report.rows)
        rows.append(QJsonObject{{"device", QString::fromStdString(m.device)},
                                {"model", QString::fromStdString(m.model)},
                                {"phase", toString(m.phase)},
                                {"batch", m.batch},
                                {"tokens", m.tokens},
                                {"measured_latency_s", m.latencyS},
                                {"predicted_latency_s", p.latencyS},
                                {"measured_energy_j", m.energyJ},
                                {"predicted_energy_j", p.energyJ}});
    const ValidationSummary& s = report.summary;
    return QJsonObject{{"rows", rows},
                       {"mape_percent", QJsonObject{{"prefill_latency", s.prefillLatencyMape},
                                                    {"decode_latency", s.decodeLatencyMape},
                                                    {"prefill_energy", s.prefillEnergyMape},
                                                    {"decode_energy", s.decodeEnergyMape},
                                                    {"energy", s.energyMape}}}};
}

} // namespace llmdse
