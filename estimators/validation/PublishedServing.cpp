#include "estimators/validation/PublishedServing.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/RuntimeProfileJson.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingStudy.h"
#include "models/DesignJson.h"

namespace llmdse {

namespace {

const char* const kMetrics[] = {"ttft_mean_s", "ttft_median_s", "ttft_p99_s", "itl_mean_s", "itl_median_s", "itl_p99_s",
                                "tpot_mean_s", "tpot_median_s", "e2e_mean_s", "e2e_median_s", "requests_per_s",
                                "output_tokens_per_s"};

} // namespace

double servingMetric(const ServingSummary& s, const std::string& name, const std::string& where)
{
    if (name == "ttft_mean_s") return s.ttftS.mean;
    if (name == "ttft_median_s") return s.ttftS.p50;
    if (name == "ttft_p99_s") return s.ttftS.p99;
    if (name == "itl_mean_s") return s.itlS.mean;
    if (name == "itl_median_s") return s.itlS.p50;
    if (name == "itl_p99_s") return s.itlS.p99;
    if (name == "tpot_mean_s") return s.tpotS.mean;
    if (name == "tpot_median_s") return s.tpotS.p50;
    if (name == "e2e_mean_s") return s.e2eS.mean;
    if (name == "e2e_median_s") return s.e2eS.p50;
    if (name == "requests_per_s") return s.requestsPerS;
    if (name == "output_tokens_per_s") return s.outputTokensPerS;
    std::string known;
    for (const char* m : kMetrics) known += std::string(known.empty() ? "" : ", ") + m;
    throw InputError("", where, "unknown metric '" + name + "' (" + known + ")");
}

std::string servingMetricGroup(const std::string& name)
{
    if (name.rfind("ttft", 0) == 0) return "TTFT";
    if (name.rfind("itl", 0) == 0 || name.rfind("tpot", 0) == 0) return "ITL/TPOT";
    if (name.rfind("e2e", 0) == 0) return "E2E";
    if (name == "requests_per_s") return "request throughput";
    return "token throughput";
}

std::vector<PublishedServingRun> loadPublishedServing(const std::string& path)
{
    return parsePublishedServing(readJsonObjectFile(path), path);
}

std::vector<PublishedServingRun> parsePublishedServing(const QJsonObject& root, const std::string& path)
{
    std::vector<PublishedServingRun> out;
    try {
        JsonReader r(root);
        const QJsonArray runs = r.array("runs");
        for (int i = 0; i < runs.size(); ++i) {
            const std::string where = "runs[" + std::to_string(i) + "]";
            if (!runs[i].isObject()) throw InputError("", where, "must be an object");
            JsonReader x(runs[i].toObject(), where);
            PublishedServingRun p;
            p.id = x.string("id");
            p.source = x.string("source");
            p.framework = x.string("framework");
            p.note = x.string("note", "");
            p.design = x.object("design").raw();
            if (auto s = x.optionalObject("scheduler")) p.scheduler = s->raw();
            p.rate = x.nonNegative("rate", 0);
            p.concurrency = x.nonNegativeInt("concurrency", 0);
            p.requests = x.positiveInt("requests");
            p.warmup = x.nonNegativeInt("warmup", 0);
            p.prompt = x.string("prompt");
            p.output = x.string("output");
            p.memoryFraction = x.fraction("memory_fraction", 0.9);
            if (p.rate == 0 && p.concurrency == 0) x.fail("rate", "give a rate, a concurrency or both");
            auto pub = x.object("published");
            for (auto it = pub.raw().begin(); it != pub.raw().end(); ++it) {
                const std::string key = it.key().toStdString();
                servingMetric(ServingSummary{}, key, pub.field(key.c_str()));
                p.published[key] = pub.positive(key.c_str());
            }
            if (p.published.empty()) x.fail("published", "no metric");
            out.push_back(std::move(p));
        }
    } catch (const InputError& e) {
        rethrowWithFile(e, path);
    }
    return out;
}

std::vector<ServingComparison> predictPublishedServing(const Estimator& est, const PublishedServingRun& run)
{
    Design d = designFromJson(run.design);
    if (!run.scheduler.isEmpty()) {
        // The run's flags over its profile's scheduler, read with the profile's own field checks.
        QJsonObject profile = toJson(d.runtime);
        QJsonObject s = profile["scheduler"].toObject();
        for (auto it = run.scheduler.begin(); it != run.scheduler.end(); ++it) s[it.key()] = it.value();
        profile["scheduler"] = s;
        d.runtime = runtimeFromJson(profile, run.id);
    }
    ServingSetup su;
    su.config = schedulerFor(d.runtime);
    su.load.requestOverheadS = d.runtime.scheduler.requestOverheadS;
    su.load.concurrency = run.concurrency;
    su.load.warmup = run.warmup;
    su.load.measured = run.requests;
    su.memoryFraction = run.memoryFraction;
    su.memoryBasis = d.runtime.scheduler.memoryBasis;
    StreamSpec spec;
    spec.ratePerS = run.rate;
    spec.prompt = LengthDistribution::parse(run.prompt, run.id + ": prompt", "prompt");
    spec.output = LengthDistribution::parse(run.output, run.id + ": output", "output");
    spec.count = run.warmup + run.requests + run.concurrency;
    su.requests = synthesiseRequests(spec);
    const ServingOutcome o = runServing(est, d, su);
    std::vector<ServingComparison> out;
    for (const auto& [metric, value] : run.published)
        out.push_back({run.id, metric, value, servingMetric(o.summary, metric, run.id)});
    return out;
}

} // namespace llmdse
