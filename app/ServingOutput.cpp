#include "app/ServingOutput.h"
#include "app/OutputFormat.h"
#include "core/Units.h"

#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

// No sample (nothing completed, or no request with a second token): null, not a 0 s latency.
QJsonObject toJson(const Distribution& d)
{
    auto value = [&](double v) { return d.count > 0 ? QJsonValue(v) : QJsonValue(); };
    return {{"mean", value(d.mean)}, {"p50", value(d.p50)}, {"p90", value(d.p90)}, {"p99", value(d.p99)},
            {"count", double(d.count)}};
}

std::string cell(const Distribution& x, double v) { return x.count > 0 ? formatSeconds(v) : std::string("n/a"); }

void header(const Design& d, const ServingDescription& text)
{
    std::printf("Serving: %s on %s (%s), runtime %s, estimator %s; weights %s, KV %s; tp %d pp %d ep %d\n",
                d.model.id.c_str(), d.hardware.id.c_str(), toString(d.hardware.cls), d.runtime.id.c_str(),
                text.estimator.c_str(), toString(d.opts.weights).c_str(), toString(d.opts.kvCache).c_str(), d.parallel.tensor,
                d.parallel.pipeline, d.parallel.expert);
    std::printf("Requests: %s\nScheduler: %s\nServers: %s\n", text.stream.c_str(), text.scheduler.c_str(),
                text.servers.c_str());
}

} // namespace

QJsonObject servingJson(const ServingOutcome& o, const LatencySlo& slo)
{
    const ServingSummary& s = o.summary;
    auto finiteOrNull = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    return {{"requests", double(s.requests)},
            {"completed", double(s.completed)},
            {"rejected", double(s.rejected)},
            {"ttft_s", toJson(s.ttftS)},
            {"tpot_s", toJson(s.tpotS)},
            {"itl_s", toJson(s.itlS)},
            {"e2e_s", toJson(s.e2eS)},
            {"prompt_tokens", toJson(s.promptTokens)},
            {"output_tokens_per_request", toJson(s.outputTokensPerRequest)},
            {"simulated_s", s.simulatedS},
            {"throughput_requests_per_s", s.requestsPerS},
            {"output_tokens_per_s", s.outputTokensPerS},
            {"slo", QJsonObject{{"ttft_s", finiteOrNull(slo.ttftS)}, {"tpot_s", finiteOrNull(slo.tpotS)}}},
            {"slo_met_requests", double(s.sloMet)},
            {"goodput_requests_per_s", s.goodputRequestsPerS},
            {"energy_j", s.energyJ},
            {"energy_per_request_j", s.energyPerRequestJ},
            {"avg_power_w", s.avgPowerW},
            {"preemptions", double(s.preemptions)},
            {"swaps", double(s.swaps)},
            {"prefix_hit_rate", s.prefixHitRate},
            {"handoffs", double(s.handoffs)},
            {"mean_batch_sequences", s.meanBatch},
            {"steps", double(s.steps)},
            {"scheduling_decisions", double(s.decisions)},
            {"busy_fraction", s.busyFraction},
            {"output_tokens", double(s.outputTokens)},
            {"prefill_tokens", double(s.prefillTokens)}};
}

void printServing(const Design& d, const ServingDescription& text, const ServingOutcome& o, const LatencySlo& slo)
{
    const ServingSummary& s = o.summary;
    header(d, text);
    std::printf("Step costs: %d estimator evaluations on the grid; simulation took %s (wall)\n\n", o.estimatorEvaluations,
                formatSeconds(o.wallS).c_str());
    TextTable lat({"latency", "mean", "p50", "p90", "p99"});
    auto row = [&](const char* name, const Distribution& x) {
        lat.add({name, cell(x, x.mean), cell(x, x.p50), cell(x, x.p90), cell(x, x.p99)});
    };
    row("time to first token (TTFT)", s.ttftS);
    row("time per output token (TPOT)", s.tpotS);
    row("inter-token latency (ITL)", s.itlS);
    row("end-to-end latency (E2E)", s.e2eS);
    std::fputs(lat.render().c_str(), stdout);
    std::printf("\n");

    TextTable t({"metric", "value"});
    t.add({"completed requests", std::to_string(s.completed) + " of " + std::to_string(s.requests) +
                                     (s.rejected ? " (" + std::to_string(s.rejected) + " rejected: larger than the KV cache)" : "")});
    t.add({"measured window", formatSeconds(s.simulatedS) + " (servers busy " + fmt(100 * s.busyFraction, 3) + "%)"});
    t.add({"throughput", fmt(s.requestsPerS, 4) + " requests/s"});
    t.add({"output throughput", formatSi(s.outputTokensPerS, "tokens/s")});
    std::string sloText = "goodput (";
    sloText += std::isfinite(slo.ttftS) ? "TTFT <= " + formatSeconds(slo.ttftS) : "any TTFT";
    sloText += std::isfinite(slo.tpotS) ? ", TPOT <= " + formatSeconds(slo.tpotS) : ", any TPOT";
    t.add({sloText + ")", fmt(s.goodputRequestsPerS, 4) + " requests/s (" +
                              fmt(s.requests ? 100.0 * double(s.sloMet) / double(s.requests) : 0.0, 4) + "% of requests)"});
    t.add({"energy per request", formatSi(s.energyPerRequestJ, "J")});
    t.add({"average power", formatSi(s.avgPowerW, "W") + " (" +
                                std::to_string(d.parallel.devices() * (o.load.replicas + o.load.decodeReplicas)) + " device(s))"});
    t.add({"total energy", formatSi(s.energyJ, "J")});
    t.add({"preemptions", std::to_string(s.preemptions) + " (" + toString(o.config.preemption) + ")"});
    if (o.config.prefixCaching) t.add({"prefix cache hit rate", fmt(100 * s.prefixHitRate, 3) + "% of prompt tokens"});
    if (s.handoffs) t.add({"KV handoffs (prefill to decode)", std::to_string(s.handoffs)});
    t.add({"mean batch", fmt(s.meanBatch, 4) + " sequences/step"});
    t.add({"engine steps", std::to_string(s.steps) + " in " + std::to_string(s.decisions) + " scheduling decisions"});
    t.add({"output / prefill tokens", formatSi(double(s.outputTokens), "") + " / " + formatSi(double(s.prefillTokens), "") +
                                          " (prefill with recomputation)"});
    auto lengths = [](const Distribution& x) {
        return "mean " + fmt(x.mean, 4) + ", p50 " + fmt(x.p50, 4) + ", p90 " + fmt(x.p90, 4) + ", p99 " + fmt(x.p99, 4);
    };
    t.add({"prompt tokens (realised)", lengths(s.promptTokens)});
    t.add({"output tokens (realised)", lengths(s.outputTokensPerRequest)});
    std::fputs(t.render().c_str(), stdout);
}

void printServingSweep(const Design& d, const ServingDescription& text, const std::vector<LoadPoint>& points,
                       const std::string& unit)
{
    header(d, text);
    const int knee = kneeOf(points);
    std::printf("Knee: %s\n\n", knee < 0 ? "not reached (median TTFT stays below twice its lightest-load value)"
                                         : (fmt(points[size_t(knee)].load, 4) + " " + unit +
                                            " (median TTFT twice its lightest-load value)").c_str());
    TextTable t({unit, "requests/s", "tokens/s", "TTFT p50", "TTFT p99", "ITL p50", "ITL p99", "TPOT p50", "E2E p50", ""});
    for (size_t i = 0; i < points.size(); ++i) {
        const ServingSummary& s = points[i].outcome.summary;
        t.add({fmt(points[i].load, 4), fmt(s.requestsPerS, 4), formatSi(s.outputTokensPerS, ""), cell(s.ttftS, s.ttftS.p50),
               cell(s.ttftS, s.ttftS.p99), cell(s.itlS, s.itlS.p50), cell(s.itlS, s.itlS.p99), cell(s.tpotS, s.tpotS.p50),
               cell(s.e2eS, s.e2eS.p50), int(i) == knee ? "<- knee" : ""});
    }
    std::fputs(t.render().c_str(), stdout);
}

} // namespace llmdse
