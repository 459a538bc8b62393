// llmdse serve-sim: a request stream through simulated servers (continuous batching as the
// runtime profile's scheduler does it), step costs from an estimator; latency percentiles,
// throughput, goodput, energy; a sweep over load levels with its knee.
#include "app/Command.h"
#include "app/DesignOptions.h"
#include "app/OutputFormat.h"
#include "app/ServingOutput.h"
#include "core/Design.h"
#include "core/Errors.h"
#include "core/HostMemory.h"
#include "core/Units.h"
#include "estimators/Estimator.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingStudy.h"
#include "estimators/simulation/SimCache.h"
#include "models/DesignJson.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

constexpr int kMaxSweepLevels = 64;
constexpr int kMaxTurns = 10'000;
constexpr int kMaxPrefixGroups = 1'000'000;

double number(const QString& text, const std::string& field, double minimum, bool whole)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v)) throw InputError("", field, "must be a number, got '" + text.toStdString() + "'");
    if (const std::string why = magnitudeProblem(v); !why.empty()) throw InputError("", field, why);
    if (whole && v != std::floor(v)) throw InputError("", field, "must be a whole number, got '" + text.toStdString() + "'");
    if (v < minimum) throw InputError("", field, "must be >= " + formatNumber(minimum) + ", got " + formatNumber(v));
    if (whole && v > 2e9) throw InputError("", field, "is too large");
    return v;
}

double numberOption(const QCommandLineParser& p, const char* name, double minimum, bool whole)
{
    return number(p.value(name), std::string("--") + name, minimum, whole);
}

double bounded(const QCommandLineParser& p, const char* name, double minimum, double maximum, bool whole)
{
    const double v = numberOption(p, name, minimum, whole);
    if (v > maximum) throw InputError("", std::string("--") + name, "must be at most " + formatNumber(maximum));
    return v;
}

// "4" or "1,2,4": the load levels of a sweep.
std::vector<double> levels(const QCommandLineParser& p, const char* name, double minimum, double maximum, bool whole)
{
    std::vector<double> out;
    const QStringList parts = p.value(name).split(',');
    if (parts.size() > kMaxSweepLevels)
        throw InputError("", std::string("--") + name, "at most " + std::to_string(kMaxSweepLevels) + " load levels");
    for (const QString& t : parts) {
        const double v = number(t.trimmed(), std::string("--") + name, minimum, whole);
        if (v > maximum) throw InputError("", std::string("--") + name, "must be at most " + formatNumber(maximum));
        out.push_back(v);
    }
    return out;
}

bool onOff(const QCommandLineParser& p, const char* name)
{
    const QString v = p.value(name);
    if (v == "on" || v == "yes" || v == "true") return true;
    if (v == "off" || v == "no" || v == "false") return false;
    throw InputError("", std::string("--") + name, "must be on or off, got '" + v.toStdString() + "'");
}

// The stream and load of one level; the stream text describes it.
struct StreamOptions {
    std::vector<Request> trace; // when --trace
    StreamSpec spec;
    long long measured = 0, warmup = 0;
};

StreamOptions streamOptions(const QCommandLineParser& p, std::string& text)
{
    StreamOptions s;
    s.warmup = (long long)bounded(p, "warmup", 0, double(kMaxServingRequests), true);
    if (p.isSet("trace")) {
        if (p.isSet("rate")) throw InputError("", "--rate", "give either --rate (Poisson arrivals) or --trace FILE, not both");
        const std::string file = p.value("trace").toStdString();
        s.trace = readTraceFile(file);
        text = "trace " + file + ", " + std::to_string(s.trace.size()) + " requests";
        return s;
    }
    if (!p.isSet("rate") && !p.isSet("concurrency"))
        throw InputError("", "--rate", "give --rate (Poisson arrivals), --concurrency (a closed loop) or --trace FILE");
    s.measured = (long long)numberOption(p, "requests", 1, true);
    requireServingCapacity(s.measured + s.warmup, "--requests");
    s.spec.seed = static_cast<std::uint64_t>(numberOption(p, "seed", 0, true));
    s.spec.prompt = LengthDistribution::parse(p.value("prompt").toStdString(), "--prompt", "prompt");
    s.spec.output = LengthDistribution::parse(p.value("output").toStdString(), "--output", "output");
    s.spec.turns = int(bounded(p, "turns", 1, kMaxTurns, true));
    if (p.isSet("shared-prefix")) {
        const QStringList parts = p.value("shared-prefix").split(':');
        if (parts.size() > 2) throw InputError("", "--shared-prefix", "use TOKENS or TOKENS:GROUPS");
        s.spec.sharedPrefixTokens = int(number(parts[0], "--shared-prefix", 1, true));
        if (s.spec.sharedPrefixTokens > kMaxTokens) throw InputError("", "--shared-prefix", "too many tokens");
        if (parts.size() == 2) {
            const double g = number(parts[1], "--shared-prefix", 1, true);
            if (g > kMaxPrefixGroups) throw InputError("", "--shared-prefix", "at most " + std::to_string(kMaxPrefixGroups) + " groups");
            s.spec.prefixGroups = int(g);
        }
    }
    text = std::to_string(s.measured) + " measured requests" + (s.warmup ? " after " + std::to_string(s.warmup) + " warm-up" : "") +
           ", prompt " + s.spec.prompt.describe() + ", output " + s.spec.output.describe();
    if (s.spec.sharedPrefixTokens)
        text += ", a shared prefix of " + std::to_string(s.spec.sharedPrefixTokens) + " tokens (" +
                std::to_string(s.spec.prefixGroups) + " group(s))";
    if (s.spec.turns > 1) text += ", conversations of " + std::to_string(s.spec.turns) + " turns";
    text += ", seed " + std::to_string(s.spec.seed);
    return s;
}

// The requests of one load level: warm-up, measured, and for a closed loop as many cool-down
// requests as clients (they keep the load up until the last measured request ends).
std::vector<Request> requestsFor(const StreamOptions& s, double rate, long long clients, ServingLoad& load)
{
    load.warmup = s.warmup;
    if (!s.trace.empty()) {
        std::vector<Request> r = s.trace;
        load.measured = (long long)r.size() - std::min<long long>(s.warmup, (long long)r.size());
        if (clients > 0) { // a dataset for the clients: its times do not pace a closed loop
            for (auto& q : r) q.arrivalS = 0;
            const size_t n = r.size();
            for (long long i = 0; i < clients && i < (long long)n; ++i) r.push_back(r[size_t(i)]);
        }
        requireServingCapacity((long long)r.size(), "--trace");
        return r;
    }
    StreamSpec spec = s.spec;
    spec.ratePerS = rate;
    load.measured = s.measured;
    spec.count = s.warmup + s.measured + (clients > 0 ? clients * spec.turns : 0);
    return synthesiseRequests(spec);
}

std::string schedulerText(const SchedulerConfig& c, const std::string& kvText)
{
    std::string t = "continuous batching, max " + std::to_string(c.maxBatch) + " sequences, " +
                    std::to_string(c.prefillBudget) + " tokens/step, " +
                    (c.chunk > 0 ? "chunked prefill " + std::to_string(c.chunk) + " tokens" : std::string("whole prompts")) +
                    (c.mixed ? " mixed with decodes" : " in steps of their own");
    if (c.stepsPerSchedule > 1) t += ", " + std::to_string(c.stepsPerSchedule) + " decode steps per decision";
    if (c.scheduleOverheadS > 0) t += ", " + formatSeconds(c.scheduleOverheadS) + " host time per decision";
    t += std::string(", ") + (c.order == AdmissionOrder::Fcfs ? "first come first served" : "shortest prompt first") +
         ", preemption by " + toString(c.preemption) + (c.prefixCaching ? ", prefix caching" : "") + ", KV cache " +
         std::to_string(c.kvBlocks) + " blocks x " + std::to_string(c.blockSize) + " tokens (" + kvText + ")";
    return t;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Simulate servers under a request stream: continuous batching as the runtime profile's scheduler does it\n"
        "(chunked prefill, multi-step decoding, a paged KV cache with preemption and prefix caching), replicas behind\n"
        "a router or prefill/decode disaggregation; step costs from an estimator (a grid of its decode and prefill\n"
        "costs, interpolated). Open loop (--rate), closed loop (--concurrency) or both; a comma-separated list of\n"
        "rates or concurrencies sweeps the load and marks the knee.\n"
        "Lengths: N, uniform:MIN:MAX, lognormal:MEAN:SIGMA, sharegpt or empirical:FILE (tokens).\n"
        "Trace CSV header: arrival_s,prompt,output[,prefix_group,prefix].\n"
        "Example: llmdse serve-sim --model llama-3-8b --hardware h100-sxm --concurrency 1,8,32,128 --prompt 1000 --output 200");
    parser.addHelpOption();
    addDesignOptions(parser, false);
    addFormatOption(parser, false);
    parser.addOption({"estimator", "Estimator: analytical (default) or simulation (accelerator templates).", "name", "analytical"});
    parser.addOption({"sim-cache", "Simulation cache file ('none': memory only).", "file"});
    parser.addOption({"rate", "Poisson arrivals [requests/s]; a list (1,2,4) sweeps.", "R"});
    parser.addOption({"concurrency", "Closed loop: clients, each sending its next request when the last completes; a list sweeps.", "C"});
    parser.addOption({"trace", "Requests from a CSV file with header arrival_s,prompt,output[,prefix_group,prefix].", "file"});
    parser.addOption({"requests", "Measured requests of a synthetic stream (default 10000).", "N", "10000"});
    parser.addOption({"warmup", "Requests sent first and not measured (default 0).", "N", "0"});
    parser.addOption({"prompt", "Prompt length distribution [tokens] (default 512).", "dist", "512"});
    parser.addOption({"output", "Output length distribution [tokens] (default 128).", "dist", "128"});
    parser.addOption({"seed", "Random seed of a synthetic stream (default 1).", "n", "1"});
    parser.addOption({"shared-prefix", "A system prompt of TOKENS in front of every conversation, one of GROUPS.", "TOKENS[:GROUPS]"});
    parser.addOption({"turns", "Requests per conversation; each turn's prompt is the history and a new message (default 1).", "n", "1"});
    parser.addOption({"think", "Seconds between an answer and the conversation's next turn (default 0).", "s", "0"});
    parser.addOption({"max-batch", "Most running sequences (default: the runtime's scheduler, else 256).", "n"});
    parser.addOption({"chunk", "Prefill tokens per step (0: whole prompts; default: the runtime's, else 2048).", "tokens"});
    parser.addOption({"prefill-budget", "Tokens per step, decodes and prefill together (default: the runtime's, else 8192).", "tokens"});
    parser.addOption({"mixed", "Prefill rides with decodes in one step: on or off (default: the runtime's).", "on|off"});
    parser.addOption({"steps-per-schedule", "Decode steps per scheduling decision (multi-step; default: the runtime's, else 1).", "n"});
    parser.addOption({"preemption", "recompute, swap or reserve (admit with the whole output's blocks; default: the runtime's, else recompute).", "policy"});
    parser.addOption({"priority", "fcfs or shortest-prompt-first (default: the runtime's, else fcfs).", "order"});
    parser.addOption({"prefix-caching", "Reuse the KV blocks of shared prefixes: on or off (default: the runtime's, else off).", "on|off"});
    parser.addOption({"request-overhead-us", "Front-end time per request before it is scheduled (default: the runtime's).", "us"});
    parser.addOption({"schedule-overhead-us", "Host time per scheduling decision (default: the runtime's).", "us"});
    parser.addOption({"replicas", "Servers behind the router (default 1).", "n", "1"});
    parser.addOption({"router", "round-robin or least-loaded (default least-loaded).", "name", "least-loaded"});
    parser.addOption({"disaggregate", "Prefill/decode disaggregation: P prefill and D decode servers.", "P:D"});
    parser.addOption({"block-size", "KV cache block [tokens] (default 16).", "tokens", "16"});
    parser.addOption({"kv-blocks", "KV cache blocks per server (default: from device memory left after weights and activations).", "n"});
    parser.addOption({"memory-fraction", "Fraction of device memory the server may use, or of what the weights and activations "
                                         "leave where the runtime's scheduler counts it so (TensorRT-LLM; default 0.9).", "f", "0.9"});
    parser.addOption({"slo-ttft", "SLO on time to first token for goodput [s].", "s"});
    parser.addOption({"slo-tpot", "SLO on time per output token for goodput [s].", "s"});
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        const Design d = designFromOptions(parser, false);
        if (parser.isSet("sim-cache")) setDefaultSimCachePath(parser.value("sim-cache").toStdString());
        auto est = createEstimator(parser.value("estimator").toStdString());

        ServingDescription text;
        text.estimator = est->version();
        const StreamOptions stream = streamOptions(parser, text.stream);
        const std::vector<double> rates = parser.isSet("rate") ? levels(parser, "rate", 1e-300, 1e12, false) : std::vector<double>{0};
        const std::vector<double> clients =
            parser.isSet("concurrency") ? levels(parser, "concurrency", 1, double(kMaxConcurrency), true) : std::vector<double>{0};
        if (rates.size() > 1 && clients.size() > 1)
            throw InputError("", "--concurrency", "sweep either the rate or the concurrency, not both");

        ServingSetup setup;
        SchedulerConfig& c = setup.config;
        c = schedulerFor(d.runtime);
        const SchedulerProfile& profile = d.runtime.scheduler;
        setup.memoryBasis = profile.memoryBasis;
        if (parser.isSet("max-batch")) c.maxBatch = int(bounded(parser, "max-batch", 1, kMaxBatch, true));
        if (parser.isSet("chunk")) c.chunk = int(bounded(parser, "chunk", 0, kMaxTokens, true));
        if (parser.isSet("prefill-budget")) c.prefillBudget = int(bounded(parser, "prefill-budget", 1, kMaxTokens, true));
        if (parser.isSet("mixed")) c.mixed = onOff(parser, "mixed");
        else if (!profile.set) c.mixed = c.chunk > 0;
        if (parser.isSet("steps-per-schedule")) c.stepsPerSchedule = int(bounded(parser, "steps-per-schedule", 1, 1024, true));
        if (parser.isSet("preemption")) {
            const QString v = parser.value("preemption");
            if (v != "recompute" && v != "swap" && v != "reserve")
                throw InputError("", "--preemption", "must be recompute, swap or reserve");
            c.preemption = v == "swap" ? Preemption::Swap : v == "reserve" ? Preemption::Reserve : Preemption::Recompute;
        }
        if (parser.isSet("priority")) {
            const QString v = parser.value("priority");
            if (v != "fcfs" && v != "shortest-prompt-first") throw InputError("", "--priority", "must be fcfs or shortest-prompt-first");
            c.order = v == "fcfs" ? AdmissionOrder::Fcfs : AdmissionOrder::ShortestPromptFirst;
        }
        if (parser.isSet("prefix-caching")) c.prefixCaching = onOff(parser, "prefix-caching");
        if (parser.isSet("schedule-overhead-us"))
            c.scheduleOverheadS = bounded(parser, "schedule-overhead-us", 0, 1e8, false) * 1e-6;
        c.blockSize = int(bounded(parser, "block-size", 1, 1 << 20, true));
        ServingLoad& load = setup.load;
        load.requestOverheadS = profile.requestOverheadS;
        if (parser.isSet("request-overhead-us"))
            load.requestOverheadS = bounded(parser, "request-overhead-us", 0, 1e8, false) * 1e-6;
        load.thinkS = bounded(parser, "think", 0, kMaxArrivalS, false);
        load.replicas = int(bounded(parser, "replicas", 1, kMaxReplicas, true));
        const QString router = parser.value("router");
        if (router != "round-robin" && router != "least-loaded")
            throw InputError("", "--router", "must be round-robin or least-loaded, got '" + router.toStdString() + "'");
        load.router = router == "round-robin" ? Router::RoundRobin : Router::LeastLoaded;
        if (parser.isSet("disaggregate")) {
            if (parser.isSet("replicas")) throw InputError("", "--disaggregate", "gives the servers itself: leave out --replicas");
            const QStringList pd = parser.value("disaggregate").split(':');
            if (pd.size() != 2) throw InputError("", "--disaggregate", "use P:D (prefill and decode servers)");
            load.replicas = int(number(pd[0], "--disaggregate", 1, true));
            load.decodeReplicas = int(number(pd[1], "--disaggregate", 1, true));
            if (load.replicas > kMaxReplicas || load.decodeReplicas > kMaxReplicas)
                throw InputError("", "--disaggregate", "at most " + std::to_string(kMaxReplicas) + " servers per pool");
        }
        if (parser.isSet("slo-ttft")) setup.slo.ttftS = numberOption(parser, "slo-ttft", 0, false);
        if (parser.isSet("slo-tpot")) setup.slo.tpotS = numberOption(parser, "slo-tpot", 0, false);
        std::string kvText = "given";
        if (parser.isSet("kv-blocks")) {
            c.kvBlocks = static_cast<long long>(numberOption(parser, "kv-blocks", 1, true));
            setup.kvBlocksGiven = true;
        } else {
            setup.memoryFraction = numberOption(parser, "memory-fraction", 1e-300, false);
            if (setup.memoryFraction > 1) throw InputError("", "--memory-fraction", "must be <= 1");
        }
        // Every server holds its queue and blocks: bound what the replicas ask of memory.
        requireMemory(double(load.replicas + load.decodeReplicas) * 64e3, "--replicas",
                      std::to_string(load.replicas + load.decodeReplicas) + " simulated servers");

        ServingStudy study(*est, d);
        std::vector<LoadPoint> points;
        const bool sweepRate = rates.size() > 1;
        for (double level : sweepRate ? rates : clients) {
            ServingSetup one = setup;
            const double rate = sweepRate ? level : rates[0];
            one.load.concurrency = (long long)(sweepRate ? clients[0] : level);
            one.requests = requestsFor(stream, rate, one.load.concurrency, one.load);
            points.push_back({sweepRate ? rate : (one.load.concurrency ? double(one.load.concurrency) : rate),
                              study.run(std::move(one))});
        }
        const ServingOutcome& first = points.front().outcome;
        const SchedulerConfig& ran = first.config;
        if (!setup.kvBlocksGiven)
            kvText = formatBytes(first.kv.freeBytes) + " per device: " + formatNumber(setup.memoryFraction * 100) +
                     (setup.memoryBasis == MemoryBasis::Free ? "% of what is free of " : "% of ") +
                     formatBytes(first.kv.capacityBytes) + (setup.memoryBasis == MemoryBasis::Free ? " after weights " : " less weights ") +
                     formatBytes(first.kv.weightsBytes) + " and activations";
        text.scheduler = schedulerText(ran, kvText);
        std::string loadText = rates[0] > 0 ? "Poisson " + (sweepRate ? std::string("rates below") : formatNumber(rates[0]) + " requests/s")
                                            : std::string("no arrival process");
        if (clients[0] > 0 || clients.size() > 1)
            loadText += clients.size() > 1 ? ", closed loop (clients below)" : ", closed loop of " + formatNumber(clients[0]) + " clients";
        if (load.requestOverheadS > 0) loadText += ", " + formatSeconds(load.requestOverheadS) + " front end per request";
        if (load.thinkS > 0) loadText += ", " + formatSeconds(load.thinkS) + " think time";
        text.stream = loadText + "; " + text.stream;
        text.servers = load.decodeReplicas > 0
                           ? std::to_string(load.replicas) + " prefill + " + std::to_string(load.decodeReplicas) +
                                 " decode servers, KV over " + d.hardware.interconnect.name
                           : std::to_string(load.replicas) + " server(s) of " + std::to_string(d.parallel.devices()) +
                                 " device(s)" + (load.replicas > 1 ? std::string(", ") + toString(load.router) + " router" : "");

        if (format == OutputFormat::Json) {
            QJsonObject o;
            if (points.size() == 1) o = servingJson(first, setup.slo);
            else {
                QJsonArray list;
                for (const auto& p : points) {
                    QJsonObject row = servingJson(p.outcome, setup.slo);
                    row["load"] = p.load;
                    list.append(row);
                }
                o["sweep"] = list;
                o["sweep_over"] = sweepRate ? "rate_requests_per_s" : "concurrency";
                const int knee = kneeOf(points);
                o["knee_index"] = knee;
                o["knee_load"] = knee >= 0 ? QJsonValue(points[size_t(knee)].load) : QJsonValue();
            }
            QJsonObject design = toJson(d);
            for (const char* k : {"batch", "prompt", "output", "context"}) design.remove(k); // the stream's, not the design's
            o["design"] = design;
            o["estimator"] = QString::fromStdString(est->version());
            o["requests_source"] = QString::fromStdString(text.stream);
            o["scheduler"] = QJsonObject{{"max_batch", ran.maxBatch},
                                         {"chunk_tokens", ran.chunk},
                                         {"prefill_budget_tokens", ran.prefillBudget},
                                         {"mixed_batches", ran.mixed},
                                         {"steps_per_schedule", ran.stepsPerSchedule},
                                         {"preemption", toString(ran.preemption)},
                                         {"priority", toString(ran.order)},
                                         {"prefix_caching", ran.prefixCaching},
                                         {"schedule_overhead_s", ran.scheduleOverheadS},
                                         {"request_overhead_s", load.requestOverheadS},
                                         {"block_size_tokens", ran.blockSize},
                                         {"kv_blocks", double(ran.kvBlocks)},
                                         {"idle_power_w", ran.idlePowerW}};
            o["servers"] = QJsonObject{{"replicas", load.replicas},
                                       {"decode_replicas", load.decodeReplicas},
                                       {"router", toString(load.router)}};
            o["estimator_evaluations"] = points.back().outcome.estimatorEvaluations;
            double wall = 0;
            for (const auto& p : points) wall += p.outcome.wallS;
            o["wall_s"] = wall;
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        } else if (points.size() == 1) {
            printServing(d, text, first, setup.slo);
        } else {
            printServingSweep(d, text, points, sweepRate ? "requests/s" : "clients");
        }
        return 0;
    });
}

const bool registered = registerCommand(
    {"serve-sim", "Simulate serving a request stream (continuous batching, KV cache, TTFT/ITL percentiles, goodput, load sweeps).", run});

} // namespace
} // namespace llmdse
