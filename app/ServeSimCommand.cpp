// llmdse serve-sim: a request stream through a continuously batched server,
// step costs from an estimator; latency percentiles, throughput, goodput, energy.
#include "app/Command.h"
#include "app/DesignOptions.h"
#include "app/OutputFormat.h"
#include "core/Design.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/Estimator.h"
#include "estimators/serving/KvCacheBudget.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingSummary.h"
#include "estimators/serving/ServingStudy.h"
#include "estimators/simulation/SimCache.h"
#include "models/DesignJson.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

double numberOption(const QCommandLineParser& p, const char* name, double minimum, bool whole)
{
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    const std::string field = std::string("--") + name;
    if (!ok || !std::isfinite(v)) throw InputError("", field, "must be a number, got '" + p.value(name).toStdString() + "'");
    if (const std::string why = magnitudeProblem(v); !why.empty()) throw InputError("", field, why);
    if (whole && v != std::floor(v)) throw InputError("", field, "must be a whole number, got '" + p.value(name).toStdString() + "'");
    if (v < minimum) throw InputError("", field, "must be >= " + formatNumber(minimum) + ", got " + formatNumber(v));
    if (whole && v > 2e9) throw InputError("", field, "is too large");
    return v;
}

struct Setup {
    std::string streamText, schedulerText;
    std::vector<Request> requests;
    SchedulerConfig config;
    LatencySlo slo;
    long long kvBlocks = 0;
    double kvBytes = 0; // per device, 0 when --kv-blocks was given
};

std::vector<Request> requestsFrom(const QCommandLineParser& p, std::string& text)
{
    if (p.isSet("trace") == p.isSet("rate"))
        throw InputError("", "--rate", "give either --rate (Poisson arrivals) or --trace FILE, not both or neither");
    if (p.isSet("trace")) {
        const std::string file = p.value("trace").toStdString();
        auto r = readTraceFile(file);
        text = "trace " + file + ", " + std::to_string(r.size()) + " requests";
        return r;
    }
    const double rate = numberOption(p, "rate", 1e-300, false);
    const auto n = static_cast<std::int64_t>(numberOption(p, "requests", 1, true));
    const auto seed = static_cast<std::uint64_t>(numberOption(p, "seed", 0, true));
    const auto prompt = LengthDistribution::parse(p.value("prompt").toStdString(), "--prompt");
    const auto output = LengthDistribution::parse(p.value("output").toStdString(), "--output");
    text = "Poisson " + formatNumber(rate) + " requests/s, " + std::to_string(n) + " requests, prompt " +
           prompt.describe() + ", output " + output.describe() + ", seed " + std::to_string(seed);
    return poissonRequests(rate, n, prompt, output, seed);
}

// No sample (nothing completed, or no request with a second token): null, not a 0 s latency.
QJsonObject toJson(const Distribution& d)
{
    auto value = [&](double v) { return d.count > 0 ? QJsonValue(v) : QJsonValue(); };
    return {{"mean", value(d.mean)}, {"p50", value(d.p50)}, {"p90", value(d.p90)}, {"p99", value(d.p99)},
            {"count", double(d.count)}};
}

QJsonObject toJson(const ServingSummary& s, const LatencySlo& slo)
{
    auto finiteOrNull = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    return {{"requests", double(s.requests)},
            {"completed", double(s.completed)},
            {"rejected", double(s.rejected)},
            {"ttft_s", toJson(s.ttftS)},
            {"tpot_s", toJson(s.tpotS)},
            {"e2e_s", toJson(s.e2eS)},
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
            {"mean_batch_sequences", s.meanBatch},
            {"steps", double(s.steps)},
            {"busy_fraction", s.busyFraction},
            {"output_tokens", double(s.outputTokens)},
            {"prefill_tokens", double(s.prefillTokens)}};
}

void printTable(const Design& d, const std::string& estimator, const Setup& su, const ServingSummary& s,
                int evaluations, double wallS)
{
    std::printf("Serving: %s on %s (%s), runtime %s, estimator %s; weights %s, KV %s; tp %d pp %d ep %d\n",
                d.model.id.c_str(), d.hardware.id.c_str(), toString(d.hardware.cls), d.runtime.id.c_str(),
                estimator.c_str(), toString(d.opts.weights).c_str(), toString(d.opts.kvCache).c_str(), d.parallel.tensor,
                d.parallel.pipeline, d.parallel.expert);
    std::printf("Requests: %s\nScheduler: %s\n", su.streamText.c_str(), su.schedulerText.c_str());
    std::printf("Step costs: %d estimator evaluations on the grid; simulation took %s (wall)\n\n", evaluations,
                formatSeconds(wallS).c_str());
    TextTable lat({"latency", "mean", "p50", "p90", "p99"});
    auto row = [&](const char* name, const Distribution& x) {
        auto cell = [&](double v) { return x.count > 0 ? formatSeconds(v) : std::string("n/a"); };
        lat.add({name, cell(x.mean), cell(x.p50), cell(x.p90), cell(x.p99)});
    };
    row("time to first token (TTFT)", s.ttftS);
    row("time per output token (TPOT)", s.tpotS);
    row("end-to-end latency (E2E)", s.e2eS);
    std::fputs(lat.render().c_str(), stdout);
    std::printf("\n");

    TextTable t({"metric", "value"});
    t.add({"completed requests", std::to_string(s.completed) + " of " + std::to_string(s.requests) +
                                     (s.rejected ? " (" + std::to_string(s.rejected) + " rejected: larger than the KV cache)" : "")});
    t.add({"simulated time", formatSeconds(s.simulatedS) + " (busy " + fmt(100 * s.busyFraction, 3) + "%)"});
    t.add({"throughput", fmt(s.requestsPerS, 4) + " requests/s"});
    t.add({"output throughput", formatSi(s.outputTokensPerS, "tokens/s")});
    std::string sloText = "goodput (";
    sloText += std::isfinite(su.slo.ttftS) ? "TTFT <= " + formatSeconds(su.slo.ttftS) : "any TTFT";
    sloText += std::isfinite(su.slo.tpotS) ? ", TPOT <= " + formatSeconds(su.slo.tpotS) : ", any TPOT";
    t.add({sloText + ")", fmt(s.goodputRequestsPerS, 4) + " requests/s (" +
                              fmt(s.completed ? 100.0 * s.sloMet / s.requests : 0.0, 4) + "% of requests)"});
    t.add({"energy per request", formatSi(s.energyPerRequestJ, "J")});
    t.add({"average power", formatSi(s.avgPowerW, "W") + " (" + std::to_string(d.parallel.devices()) + " device(s))"});
    t.add({"total energy", formatSi(s.energyJ, "J")});
    t.add({"preemptions", std::to_string(s.preemptions) + " (recompute)"});
    t.add({"mean batch", fmt(s.meanBatch, 4) + " sequences/step"});
    t.add({"engine steps", std::to_string(s.steps) + " (mean " + formatSeconds(s.steps ? s.simulatedS * s.busyFraction / s.steps : 0) + "/step)"});
    t.add({"output / prefill tokens", formatSi(double(s.outputTokens), "") + " / " + formatSi(double(s.prefillTokens), "") +
                                          " (prefill with recomputation)"});
    std::fputs(t.render().c_str(), stdout);
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Simulate a server under a request stream: continuous batching with chunked prefill, a paged KV cache with\n"
        "preemption, step costs from an estimator (a grid of its decode and prefill costs, interpolated).\n"
        "Lengths: N, uniform:MIN:MAX or lognormal:MEAN:SIGMA (tokens). Trace CSV header: arrival_s,prompt,output.\n"
        "Example: llmdse serve-sim --model llama-3-8b --hardware h100-sxm --rate 20 --prompt uniform:128:2048 "
        "--output lognormal:256:0.8 --slo-ttft 0.5 --slo-tpot 0.05");
    parser.addHelpOption();
    addDesignOptions(parser, false);
    addFormatOption(parser, false);
    parser.addOption({"estimator", "Estimator: analytical (default) or simulation (accelerator templates).", "name", "analytical"});
    parser.addOption({"sim-cache", "Simulation cache file ('none': memory only).", "file"});
    parser.addOption({"rate", "Poisson arrivals at this rate [requests/s].", "R"});
    parser.addOption({"trace", "Requests from a CSV file with header arrival_s,prompt,output.", "file"});
    parser.addOption({"requests", "Poisson mode: number of requests (default 10000).", "N", "10000"});
    parser.addOption({"prompt", "Poisson mode: prompt length distribution [tokens] (default 512).", "dist", "512"});
    parser.addOption({"output", "Poisson mode: output length distribution [tokens] (default 128).", "dist", "128"});
    parser.addOption({"seed", "Poisson mode: random seed (default 1).", "n", "1"});
    parser.addOption({"max-batch", "Most running sequences (default 256).", "n", "256"});
    parser.addOption({"chunk", "Chunked prefill: prompt tokens per step (default 2048; 0: whole prompts in their own steps).", "tokens", "2048"});
    parser.addOption({"prefill-budget", "Without chunking: prompt tokens per prefill step (default 8192).", "tokens", "8192"});
    parser.addOption({"block-size", "KV cache block [tokens] (default 16).", "tokens", "16"});
    parser.addOption({"kv-blocks", "KV cache blocks (default: from device memory left after weights and activations).", "n"});
    parser.addOption({"memory-fraction", "Fraction of device memory the server may use (default 0.9).", "f", "0.9"});
    parser.addOption({"slo-ttft", "SLO on time to first token for goodput [s].", "s"});
    parser.addOption({"slo-tpot", "SLO on time per output token for goodput [s].", "s"});
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        const Design d = designFromOptions(parser, false);
        if (parser.isSet("sim-cache")) setDefaultSimCachePath(parser.value("sim-cache").toStdString());
        auto est = createEstimator(parser.value("estimator").toStdString());

        Setup su;
        su.requests = requestsFrom(parser, su.streamText);
        SchedulerConfig& c = su.config;
        c.maxBatch = int(numberOption(parser, "max-batch", 1, true));
        if (c.maxBatch > kMaxBatch) throw InputError("", "--max-batch", "must be at most " + std::to_string(kMaxBatch) + " sequences");
        c.chunk = int(numberOption(parser, "chunk", 0, true));
        c.prefillBudget = int(numberOption(parser, "prefill-budget", 1, true));
        c.blockSize = int(numberOption(parser, "block-size", 1, true));
        if (parser.isSet("slo-ttft")) su.slo.ttftS = numberOption(parser, "slo-ttft", 0, false);
        if (parser.isSet("slo-tpot")) su.slo.tpotS = numberOption(parser, "slo-tpot", 0, false);
        std::string kvText;
        ServingSetup setup;
        setup.requests = su.requests;
        setup.config = c;
        setup.slo = su.slo;
        if (parser.isSet("kv-blocks")) {
            setup.config.kvBlocks = static_cast<long long>(numberOption(parser, "kv-blocks", 1, true));
            setup.kvBlocksGiven = true;
            kvText = "given";
        } else {
            setup.memoryFraction = numberOption(parser, "memory-fraction", 1e-300, false);
            if (setup.memoryFraction > 1) throw InputError("", "--memory-fraction", "must be <= 1");
        }
        const ServingOutcome outcome = runServing(*est, d, setup);
        c = outcome.config;
        if (!setup.kvBlocksGiven)
            kvText = formatBytes(outcome.kv.freeBytes) + " per device: " + formatNumber(setup.memoryFraction * 100) + "% of " +
                     formatBytes(outcome.kv.capacityBytes) + " less weights " + formatBytes(outcome.kv.weightsBytes) +
                     " and activations";
        su.schedulerText = "continuous batching, max batch " + std::to_string(c.maxBatch) + ", " +
                           (c.chunk > 0 ? "chunked prefill " + std::to_string(c.chunk) + " tokens/step"
                                        : "whole-prompt prefill steps of up to " + std::to_string(c.prefillBudget) + " tokens") +
                           ", KV cache " + std::to_string(c.kvBlocks) + " blocks x " + std::to_string(c.blockSize) +
                           " tokens (" + kvText + ")";
        const ServingSummary& s = outcome.summary;
        const double wall = outcome.wallS;

        if (format == OutputFormat::Json) {
            QJsonObject o = toJson(s, su.slo);
            QJsonObject design = toJson(d);
            for (const char* k : {"batch", "prompt", "output", "context"}) design.remove(k); // the stream's, not the design's
            o["design"] = design;
            o["estimator"] = QString::fromStdString(est->version());
            o["requests_source"] = QString::fromStdString(su.streamText);
            o["scheduler"] = QJsonObject{{"max_batch", c.maxBatch},
                                         {"chunk_tokens", c.chunk},
                                         {"prefill_budget_tokens", c.prefillBudget},
                                         {"block_size_tokens", c.blockSize},
                                         {"kv_blocks", double(c.kvBlocks)},
                                         {"idle_power_w", c.idlePowerW}};
            o["estimator_evaluations"] = outcome.estimatorEvaluations;
            o["wall_s"] = wall;
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        } else {
            printTable(d, est->version(), su, s, outcome.estimatorEvaluations, wall);
        }
        return 0;
    });
}

const bool registered = registerCommand(
    {"serve-sim", "Simulate serving a request stream (continuous batching, KV cache, TTFT/TPOT percentiles, goodput).", run});

} // namespace
} // namespace llmdse
