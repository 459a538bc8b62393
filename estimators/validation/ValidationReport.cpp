#include "estimators/validation/ValidationReport.h"
#include "core/Errors.h"
#include "core/RuntimeZoo.h"
#include "core/Statistics.h"
#include "estimators/validation/OperatorPrediction.h"

#include <QJsonArray>
#include <cmath>

namespace llmdse {

ValidationReport validateMeasurements(const MeasurementSet& set, const Estimator& est, const std::string& runtimeId,
                                      const std::string& runtimeField)
{
    ValidationReport report;
    report.estimator = est.id();
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

    std::vector<double> errors;
    for (size_t i = 0; i < set.ops.size(); ++i) {
        const OperatorMeasurement& m = set.ops[i];
        double p = 0;
        try {
            const Design probe = designForOperator(m, RuntimeProfile{});
            const std::string rt = runtimeId.empty() ? defaultRuntimeId(probe.hardware.cls) : runtimeId;
            p = predictOperator(est.id(), designForOperator(m, resolveRuntime(rt, runtimeField)), m);
        } catch (const InputError& e) {
            if (e.field() == runtimeField) throw;
            throw InputError(set.file, "ops[" + std::to_string(i) + "]." + e.field(), e.reason());
        }
        report.ops.push_back({m, p});
        errors.push_back(std::fabs(p / m.latencyS - 1.0));
    }
    double sum = 0;
    for (double e : errors) sum += e;
    report.opsMeanAbsPercent = errors.empty() ? 0 : 100.0 * sum / errors.size();
    report.opsMedianAbsPercent = 100.0 * median(errors);
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
    QJsonObject o{{"estimator", QString::fromStdString(report.estimator)},
                  {"rows", rows},
                  {"mape_percent", QJsonObject{{"prefill_latency", s.prefillLatencyMape},
                                               {"decode_latency", s.decodeLatencyMape},
                                               {"prefill_energy", s.prefillEnergyMape},
                                               {"decode_energy", s.decodeEnergyMape},
                                               {"energy", s.energyMape}}}};
    if (report.ops.empty()) return o;
    QJsonArray ops;
    for (const auto& [m, p] : report.ops)
        ops.append(QJsonObject{{"device", QString::fromStdString(m.device)},
                               {"op", toString(m.kind)},
                               {"m", m.m},
                               {"n", m.n},
                               {"k", m.k},
                               {"batch", m.batch},
                               {"precision", toString(m.precision)},
                               {"measured_latency_s", m.latencyS},
                               {"predicted_latency_s", p}});
    o["ops"] = ops;
    o["ops_error_percent"] = QJsonObject{{"median_abs", report.opsMedianAbsPercent}, {"mean_abs", report.opsMeanAbsPercent}};
    return o;
}

} // namespace llmdse
