#include "core/MetricsJson.h"

#include <QJsonArray>

namespace llmdse {

QJsonObject toJson(const PhaseCost& p)
{
    return QJsonObject{{"time_s", p.timeS},
                       {"energy_j", p.energyJ},
                       {"flops", p.flops},
                       {"bytes", p.bytes},
                       {"compute_s", p.breakdown.compute},
                       {"memory_s", p.breakdown.memory},
                       {"overhead_s", p.breakdown.overhead},
                       {"communication_s", p.breakdown.communication}};
}

QJsonObject toJson(const Metrics& m)
{
    QJsonObject o;
    o["ttft_s"] = m.ttftS;
    o["tpot_s"] = m.tpotS;
    o["e2e_s"] = m.e2eS;
    o["decode_tokens_per_s"] = m.decodeTokensPerS;
    o["energy_per_token_j"] = m.energyPerTokenJ;
    o["tokens_per_j"] = m.tokensPerJ;
    o["avg_power_w"] = m.avgPowerW;
    o["prefill_energy_j"] = m.prefillEnergyJ;
    o["total_energy_j"] = m.totalEnergyJ;
    o["devices"] = m.devices;
    if (m.areaMm2 >= 0) o["area_mm2"] = m.areaMm2;
    if (m.fpgaUtilisation >= 0) o["fpga_utilisation"] = m.fpgaUtilisation;
    o["prefill"] = toJson(m.prefill);
    o["decode_step"] = toJson(m.decodeStep);
    o["decode_total"] = toJson(m.decodeTotal);
    if (m.encoder.timeS > 0) o["encoder"] = toJson(m.encoder);
    if (m.draft.timeS > 0) o["draft"] = toJson(m.draft);
    if (m.tokensPerStep != 1) o["tokens_per_step"] = m.tokensPerStep;
    if (m.timeToAnswerS > m.ttftS) o["time_to_answer_s"] = m.timeToAnswerS;
    o["memory"] = QJsonObject{{"weights_bytes", m.memory.weightsBytes},
                              {"kv_cache_bytes", m.memory.kvCacheBytes},
                              {"activation_bytes", m.memory.activationBytes},
                              {"total_bytes", m.memory.totalBytes()},
                              {"capacity_bytes", m.memory.capacityBytes},
                              {"fits", m.memory.fits},
                              {"message", QString::fromStdString(m.memory.fitMessage())}};
    QJsonArray ops;
    for (const auto& op : m.ops) {
        QJsonObject j{{"name", QString::fromStdString(op.name)},
                               {"phase", QString::fromStdString(op.phase)},
                               {"class", toString(op.cls)},
                               {"precision", toString(op.precision)},
                               {"count", op.count},
                               {"flops", op.flops},
                               {"bytes", op.bytes},
                               {"weight_bytes", op.weightBytes},
                               {"activation_bytes", op.activationBytes},
                               {"kv_bytes", op.kvBytes},
                               {"comm_bytes", op.commBytes},
                               {"shape", QJsonArray{double(op.m), double(op.n), double(op.k)}},
                               {"time_s", op.timeS},
                               {"energy_j", op.energyJ},
                               {"bound", toString(op.bound)}};
        if (!op.detail.empty()) j["detail"] = QString::fromStdString(op.detail);
        ops.append(j);
    }
    o["ops"] = ops;
    return o;
}

} // namespace llmdse
