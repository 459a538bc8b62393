#include "core/MetricsJson.h"

namespace llmdse {

void writePhaseCost(RecordWriter& w, const PhaseCost& p)
{
    w.number("time_s", p.timeS);
    w.number("energy_j", p.energyJ);
    w.number("flops", p.flops);
    w.number("bytes", p.bytes);
    w.number("compute_s", p.breakdown.compute);
    w.number("memory_s", p.breakdown.memory);
    w.number("overhead_s", p.breakdown.overhead);
    w.number("communication_s", p.breakdown.communication);
}

namespace {
void phase(RecordWriter& w, std::string_view key, const PhaseCost& p)
{
    w.beginObject(key);
    writePhaseCost(w, p);
    w.endObject();
}
} // namespace

void writeMetrics(RecordWriter& w, const Metrics& m, bool withOps)
{
    w.number("ttft_s", m.ttftS);
    w.number("tpot_s", m.tpotS);
    w.number("e2e_s", m.e2eS);
    w.number("decode_tokens_per_s", m.decodeTokensPerS);
    w.number("energy_per_token_j", m.energyPerTokenJ);
    w.number("tokens_per_j", m.tokensPerJ);
    w.number("avg_power_w", m.avgPowerW);
    w.number("prefill_energy_j", m.prefillEnergyJ);
    w.number("total_energy_j", m.totalEnergyJ);
    w.integer("devices", m.devices);
    if (m.areaMm2 >= 0) w.number("area_mm2", m.areaMm2);
    if (m.fpgaUtilisation >= 0) w.number("fpga_utilisation", m.fpgaUtilisation);
    phase(w, "prefill", m.prefill);
    phase(w, "decode_step", m.decodeStep);
    phase(w, "decode_total", m.decodeTotal);
    if (m.encoder.timeS > 0) phase(w, "encoder", m.encoder);
    if (m.draft.timeS > 0) phase(w, "draft", m.draft);
    if (m.tokensPerStep != 1) w.number("tokens_per_step", m.tokensPerStep);
    if (m.timeToAnswerS > m.ttftS) w.number("time_to_answer_s", m.timeToAnswerS);
    w.beginObject("memory");
    w.number("weights_bytes", m.memory.weightsBytes);
    w.number("kv_cache_bytes", m.memory.kvCacheBytes);
    w.number("activation_bytes", m.memory.activationBytes);
    w.number("total_bytes", m.memory.totalBytes());
    w.number("capacity_bytes", m.memory.capacityBytes);
    w.boolean("fits", m.memory.fits);
    w.text("message", m.memory.fitMessage());
    w.endObject();
    if (!withOps) return;
    w.beginArray("ops");
    for (const auto& op : m.ops) {
        w.beginObject({});
        w.text("name", op.name);
        w.text("phase", op.phase);
        w.text("class", toString(op.cls));
        w.text("precision", toString(op.precision));
        w.integer("count", op.count);
        w.number("flops", op.flops);
        w.number("bytes", op.bytes);
        w.number("weight_bytes", op.weightBytes);
        w.number("activation_bytes", op.activationBytes);
        w.number("kv_bytes", op.kvBytes);
        w.number("comm_bytes", op.commBytes);
        w.beginArray("shape");
        w.number({}, double(op.m));
        w.number({}, double(op.n));
        w.number({}, double(op.k));
        w.endArray();
        w.number("time_s", op.timeS);
        w.number("energy_j", op.energyJ);
        w.text("bound", toString(op.bound));
        if (!op.detail.empty()) w.text("detail", op.detail);
        w.endObject();
    }
    w.endArray();
}

QJsonObject toJson(const PhaseCost& p)
{
    JsonObjectWriter w;
    writePhaseCost(w, p);
    return w.object();
}

QJsonObject toJson(const Metrics& m)
{
    JsonObjectWriter w;
    writeMetrics(w, m);
    return w.object();
}

} // namespace llmdse
