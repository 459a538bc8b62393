#include "estimators/validation/PublishedRuns.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/Json.h"
#include "core/RuntimeZoo.h"
#include "core/Statistics.h"
#include "estimators/validation/MeasurementSet.h"
#include "models/ModelZoo.h"

#include <cmath>
#include <map>

namespace llmdse {

namespace {

const char* const kMetrics[] = {"ttft_ms", "tpot_ms", "e2e_ms", "throughput_tok_s_per_device"};

bool isThroughput(const PublishedRun& r) { return r.metric == "throughput_tok_s_per_device"; }

} // namespace

std::vector<PublishedRun> loadPublishedRuns(const std::string& path)
{
    std::vector<PublishedRun> rows;
    try {
        JsonReader r(readJsonObjectFile(path));
        const QJsonArray list = r.array("rows");
        for (int i = 0; i < list.size(); ++i) {
            const std::string where = "rows[" + std::to_string(i) + "]";
            if (!list[i].isObject()) throw InputError("", where, "must be an object");
            JsonReader row(list[i].toObject(), where);
            PublishedRun p;
            p.source = row.string("source");
            p.model = row.string("model");
            p.hardware = row.string("hardware");
            p.runtime = row.string("runtime", "vllm");
            p.tp = row.positiveInt("tp", 1);
            p.pp = row.positiveInt("pp", 1);
            p.ep = row.positiveInt("ep", 1);
            p.batch = row.positiveInt("batch");
            p.prompt = row.positiveInt("prompt");
            p.output = row.positiveInt("output");
            p.precision = parsePrecision(row.string("precision", "fp16"), row.field("precision"));
            p.metric = row.string("metric");
            bool known = false;
            for (const char* m : kMetrics) known = known || p.metric == m;
            if (!known) row.fail("metric", "must be ttft_ms, tpot_ms, e2e_ms or throughput_tok_s_per_device");
            p.value = row.positive("value");
            p.design = designOverrides(row, {"model", "hardware", "runtime", "tp", "pp", "ep", "batch", "prompt", "output"});
            rows.push_back(p);
        }
    } catch (const InputError& e) {
        rethrowWithFile(e, path);
    }
    if (rows.empty()) throw InputError(path, "rows", "no published rows");
    return rows;
}

Design designForPublished(const PublishedRun& r)
{
    Design d;
    d.model = resolveModel(r.model);
    d.hardware = resolveHardware(r.hardware);
    d.runtime = resolveRuntime(r.runtime);
    d.workload.batch = r.batch;
    d.workload.prompt = r.prompt;
    d.workload.output = r.output;
    d.parallel.tensor = r.tp;
    d.parallel.pipeline = r.pp;
    d.parallel.expert = r.ep;
    d.opts.weights.precision = r.precision;
    d.opts.activations = r.precision;
    d.opts.kvCache.precision = r.precision;
    applyDesignOverrides(d, r.design);
    return d;
}

double predictedMetric(const Metrics& m, const PublishedRun& r)
{
    if (r.metric == "ttft_ms") return m.ttftS * 1e3;
    if (r.metric == "tpot_ms") return m.tpotS * 1e3;
    if (r.metric == "e2e_ms") return m.e2eS * 1e3;
    return double(r.batch) * r.output / m.e2eS / std::max(1, m.devices); // output tokens / s / device
}

PublishedComparison comparePublished(const std::vector<PublishedRun>& rows, const Estimator& est)
{
    PublishedComparison c;
    std::vector<double> abs;
    for (const PublishedRun& r : rows) {
        const double p = predictedMetric(est.evaluate(designForPublished(r)), r);
        c.predicted.push_back(p);
        c.errors.push_back(p / r.value - 1);
        abs.push_back(std::fabs(c.errors.back()));
    }
    c.medianAbsError = median(abs);
    // Groups: the same source, model, hardware, workload, precision and metric at several tp.
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < rows.size(); ++i) {
        const PublishedRun& r = rows[i];
        groups[r.source + "|" + r.model + "|" + r.hardware + "|" + std::to_string(r.batch) + "|" +
               std::to_string(r.prompt) + "|" + std::to_string(r.output) + "|" + toString(r.precision) + "|" + r.metric]
            .push_back(i);
    }
    for (const auto& [key, members] : groups) {
        if (members.size() < 2) continue;
        size_t base = members.front();
        for (size_t i : members)
            if (rows[i].tp < rows[base].tp) base = i;
        for (size_t i : members) {
            if (i == base) continue;
            const PublishedRun& r = rows[i];
            TpScaling s;
            s.group = r.model + " " + r.hardware + " batch " + std::to_string(r.batch) + " " + r.metric;
            s.fromTp = rows[base].tp;
            s.toTp = r.tp;
            const bool up = isThroughput(r); // per-device throughput: total speed-up = ratio x devices
            s.published = up ? r.value * r.tp / (rows[base].value * rows[base].tp) : rows[base].value / r.value;
            s.estimated = up ? c.predicted[i] * r.tp / (c.predicted[base] * rows[base].tp) : c.predicted[base] / c.predicted[i];
            c.scaling.push_back(s);
        }
    }
    return c;
}

} // namespace llmdse
