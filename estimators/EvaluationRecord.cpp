#include "estimators/EvaluationRecord.h"
#include "core/MetricsJson.h"
#include "core/TextTable.h"
#include "estimators/Estimator.h"
#include "estimators/uncertainty/Uncertainty.h"
#include "models/DesignJson.h"

#include <cstdio>

namespace llmdse {

void writeEvaluation(RecordWriter& w, const Design& d, const Metrics& m, const Estimator& est, bool withOps)
{
    writeMetrics(w, m, withOps);
    w.beginObject("design");
    writeDesign(w, d);
    w.endObject();
    w.text("estimator", est.version());
    {
        // Written field by field, not through a QJsonObject: a Python loop of evaluate() pays for every detour.
        const Uncertainty u = estimateUncertainty(est, d, m);
        w.beginObject("uncertainty");
        w.number("level", u.level);
        w.text("basis", u.basis);
        for (const MetricInterval& i : u.intervals) {
            w.beginArray(i.key);
            w.number({}, i.lo);
            w.number({}, i.hi);
            w.endArray();
        }
        w.endObject();
    }
    w.beginObject("provenance");
    w.text("hardware", d.hardware.source);
    w.text("runtime", d.runtime.provenance);
    w.text("model", d.model.source);
    w.text("estimator", est.provenance());
    w.endObject();
}

QJsonObject evaluationJson(const Design& d, const Metrics& m, const Estimator& est)
{
    JsonObjectWriter w;
    writeEvaluation(w, d, m, est);
    return w.object();
}

std::string evaluationCsv(const Metrics& m)
{
    TextTable t({"phase", "op", "class", "count", "precision", "m", "n", "k", "flops", "bytes", "weight_bytes",
                 "activation_bytes", "kv_bytes", "comm_bytes", "time_s", "energy_j", "bound"});
    for (const auto& op : m.ops)
        t.add({op.phase, op.name, toString(op.cls), std::to_string(op.count), toString(op.precision),
               std::to_string(op.m), std::to_string(op.n), std::to_string(op.k), fmt(op.flops, 10), fmt(op.bytes, 10),
               fmt(op.weightBytes, 10), fmt(op.activationBytes, 10), fmt(op.kvBytes, 10), fmt(op.commBytes, 10),
               fmt(op.timeS, 8), fmt(op.energyJ, 8), toString(op.bound)});
    char head[512];
    std::snprintf(head, sizeof head,
                  "# ttft_s=%.8g tpot_s=%.8g e2e_s=%.8g decode_tokens_per_s=%.8g energy_per_token_j=%.8g "
                  "tokens_per_j=%.8g avg_power_w=%.8g fits=%s\n",
                  m.ttftS, m.tpotS, m.e2eS, m.decodeTokensPerS, m.energyPerTokenJ, m.tokensPerJ, m.avgPowerW,
                  m.memory.fits ? "true" : "false");
    return head + t.csv();
}

} // namespace llmdse
