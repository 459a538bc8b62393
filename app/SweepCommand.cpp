// llmdse sweep: evaluate a study (grid and/or random samples) in parallel,
// streaming results to CSV/JSON/SQLite, with a Pareto front on request.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/simulation/SimCache.h"
#include "estimators/sweep/OutputFile.h"
#include "estimators/sweep/ParetoFile.h"
#include "estimators/sweep/SqliteSink.h"
#include "estimators/sweep/SweepRunner.h"

#include <QCommandLineParser>
#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace llmdse {

namespace {

// "3/8" -> (2, 8): shard K of N, 1-based on the command line.
std::pair<int, int> parseShard(const QString& s)
{
    const auto parts = s.split('/');
    bool ok1 = false, ok2 = false;
    const int k = parts.size() == 2 ? parts[0].toInt(&ok1) : 0;
    const int n = parts.size() == 2 ? parts[1].toInt(&ok2) : 0;
    if (!ok1 || !ok2 || n < 1 || k < 1 || k > n)
        throw InputError("", "--shard", "expected K/N with 1 <= K <= N, got '" + s.toStdString() + "'");
    return {k - 1, n};
}

class Progress {
public:
    void operator()(std::int64_t done, std::int64_t total)
    {
        const auto now = std::chrono::steady_clock::now();
        const double since = std::chrono::duration<double>(now - last_).count();
        if (done < total && since < (tty_ ? 0.25 : 5.0)) return;
        last_ = now;
        const double el = std::chrono::duration<double>(now - start_).count();
        const double rate = el > 0 ? done / el : 0;
        std::fprintf(stderr, "%s%5.1f%%  %lld / %lld points  %.0f points/s  ETA %.0f s%s", tty_ ? "\r" : "",
                     total ? 100.0 * done / total : 100.0, static_cast<long long>(done), static_cast<long long>(total),
                     rate, rate > 0 ? (total - done) / rate : 0.0, tty_ ? "" : "\n");
        std::fflush(stderr);
    }
    void end() { if (tty_) std::fputc('\n', stderr); }

private:
    bool tty_ = isatty(2);
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

// Points beyond which a run needs --force: 10^10 points are hours on a large machine and
// terabytes of output, more often a typo in a grid than a plan.
constexpr std::int64_t kForceAbove = 10'000'000'000;

std::string pointCount(std::int64_t n) { return std::to_string(n) + (n == 1 ? " point" : " points"); }

void printFront(const Study& study, const std::vector<ParetoPoint>& front)
{
    std::vector<std::string> head{"index"};
    for (const auto& o : study.objectives) head.push_back(std::string(o.maximise ? "max " : "min ") + metricName(o.metric));
    TextTable t(head);
    for (const auto& p : front) {
        std::vector<std::string> row{std::to_string(p.index)};
        for (size_t i = 0; i < p.objectives.size(); ++i)
            row.push_back(fmt(study.objectives[i].maximise ? -p.objectives[i] : p.objectives[i], 5));
        t.add(row);
    }
    std::printf("Pareto front: %zu points\n%s", front.size(), t.render().c_str());
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Evaluate a study file over a grid and/or random samples of design parameters.\n"
        "Study: {\"base\": {design keys}, \"grid\": {key: [values]}, \"random\": {\"samples\": N, \"seed\": S,\n"
        "        \"ranges\": {key: [min, max] | {\"min\", \"max\", \"log\"} | {\"values\": [...]}}},\n"
        "        \"objectives\": [\"tpot_s\", \"-tokens_per_j\"], \"estimator\": \"analytical\"}\n"
        "Keys are evaluate's options or dotted paths (hardware.memory_bandwidth). Output format by extension.\n"
        "A run of more than 10^10 points needs --force. A full disk stops the run with exit 1; a .sqlite\n"
        "output keeps every finished batch, so --resume continues once there is space.\n"
        "Example: llmdse sweep --study study.json --out results.sqlite --pareto");
    parser.addHelpOption();
    parser.addOption({"study", "Study JSON file.", "file"});
    parser.addOption({"out", "Results: .csv, .json or .sqlite.", "file"});
    parser.addOption({"pareto", "Keep the Pareto front of the objectives over points that fit in memory (printed; stored "
                                "in table 'pareto' of a .sqlite, or FILE.pareto.csv/.json beside other outputs)."});
    parser.addOption({"uncertainty", "Also write each headline metric's 90% interval as NAME_lo and NAME_hi columns (as evaluate's "
                                     "\"uncertainty\"; about 2.5x the time)."});
    parser.addOption({"threads", "Worker threads (default: all cores).", "n", "0"});
    parser.addOption({"resume", "Continue an interrupted .sqlite sweep, skipping finished points (same study and shard)."});
    parser.addOption({"overwrite", "Replace an existing output file (and its .pareto side file)."});
    parser.addOption({"shard", "Evaluate only slice K of N (1-based), e.g. 3/8; combine with `llmdse merge`.", "K/N"});
    parser.addOption({"force", "Run even when the run has more than 10^10 points."});
    parser.addOption({"dry-run", "Check the study and print the point count and the expected output size; evaluate nothing."});
    parser.addOption({"quiet", "No progress on stderr, only the closing summary line (and errors)."});
    parser.addOption({"sim-cache", "Simulation estimator cache (SQLite on a local disk; default $LLMDSE_SIM_CACHE or "
                                   "$XDG_CACHE_HOME/llmdse/simcache.sqlite (~/.cache); 'none': memory only).", "file"});
    parser.process(args);
    return guarded([&] {
        if (!parser.isSet("study")) throw InputError("", "--study", "missing: the study file");
        if (!parser.isSet("out")) throw InputError("", "--out", "missing: the results file");
        const Study study = readStudyFile(parser.value("study").toStdString());
        if (parser.isSet("sim-cache")) setDefaultSimCachePath(parser.value("sim-cache").toStdString());
        SweepOptions opts;
        bool ok = false;
        opts.threads = parser.value("threads").toInt(&ok);
        if (!ok || opts.threads < 0) throw InputError("", "--threads", "must be a whole number >= 0");
        if (parser.isSet("shard")) std::tie(opts.shardIndex, opts.shardCount) = parseShard(parser.value("shard"));
        opts.pareto = parser.isSet("pareto");
        opts.intervals = parser.isSet("uncertainty");
        if (opts.pareto && study.objectives.empty())
            throw InputError(study.file, "objectives", "--pareto needs objectives in the study");
        const bool resume = parser.isSet("resume"), overwrite = parser.isSet("overwrite");
        const std::string out = parser.value("out").toStdString();

        const auto [begin, end] = shardRange(study.totalPoints(), opts.shardIndex, opts.shardCount);
        const std::string shardText = opts.shardCount > 1 ? ", shard " + shardName(opts.shardIndex, opts.shardCount) +
                                                                ": " + pointCount(end - begin)
                                                          : "";
        std::vector<std::string> params;
        for (const auto& a : study.axes) params.push_back(a.key);
        const double expected = bytesPerPoint(out, params, opts.intervals) * static_cast<double>(end - begin);
        if (parser.isSet("dry-run")) {
            std::printf("study %s: %s (grid %lld x %lld samples)%s; %s expected: about %s\n", study.file.c_str(),
                        pointCount(study.totalPoints()).c_str(), static_cast<long long>(study.gridSize),
                        static_cast<long long>(study.samples), shardText.c_str(), out.c_str(), formatBytes(expected).c_str());
            return 0;
        }
        if (end - begin > kForceAbove && !parser.isSet("force"))
            throw InputError(study.file, "grid", "this run has " + pointCount(end - begin) + shardText +
                                                     "; the output would be about " + formatBytes(expected) +
                                                     ". Pass --force to run it anyway, or split it with --shard K/N");
        const std::string side = opts.pareto ? paretoSidePath(out) : "";
        if (!side.empty() && outputExists(side, "--pareto") && !overwrite)
            throw InputError("", "--pareto", "'" + side + "' exists; pass --overwrite to replace it");
        auto sink = openSink(out, resume ? SinkMode::Resume : overwrite ? SinkMode::Overwrite : SinkMode::Create);
        Progress progress;
        if (!parser.isSet("quiet")) {
            opts.progress = [&](std::int64_t d, std::int64_t t) { progress(d, t); };
            std::fprintf(stderr, "study %s: %s (grid %lld x %lld samples)%s\n", study.file.c_str(),
                         pointCount(study.totalPoints()).c_str(), static_cast<long long>(study.gridSize),
                         static_cast<long long>(study.samples), shardText.c_str());
        }
        SweepSummary s = runSweep(study, *sink, resume, opts);
        if (!parser.isSet("quiet")) progress.end();
        std::fprintf(stderr, "%lld evaluated (%lld skipped as already done, %lld invalid, %lld do not fit) in %.2f s -> %s\n",
                     static_cast<long long>(s.evaluated), static_cast<long long>(s.skipped),
                     static_cast<long long>(s.invalid), static_cast<long long>(s.infeasible), s.seconds, out.c_str());
        if (opts.pareto) {
            printFront(study, s.front);
            if (!side.empty()) writeParetoFile(side, study, s.front);
        }
        return s.cancelled ? 2 : 0;
    });
}

const bool registered = registerCommand({"sweep", "Evaluate a study over many designs (parallel, streamed).", run});

} // namespace
} // namespace llmdse
