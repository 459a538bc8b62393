#include "estimators/sweep/SweepRunner.h"
#include "core/Errors.h"
#include "estimators/Estimator.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QJsonDocument>
#include <chrono>
#include <cmath>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <optional>

namespace llmdse {

std::pair<std::int64_t, std::int64_t> shardRange(std::int64_t total, int k, int n)
{
    const std::int64_t begin = total / n * k + std::min<std::int64_t>(k, total % n);
    const std::int64_t size = total / n + (k < total % n ? 1 : 0);
    return {begin, begin + size};
}

SweepSchema schemaFor(const Study& s, const std::string& estimatorVersion, std::int64_t begin, std::int64_t end)
{
    SweepSchema sc;
    for (const auto& a : s.axes) {
        sc.paramNames.push_back(a.key);
        std::vector<std::string> text;
        if (a.textual())
            for (const auto& v : a.rawValues) text.push_back(v.toString().toStdString());
        sc.paramText.push_back(text);
    }
    sc.studyJson = QJsonDocument(s.json).toJson(QJsonDocument::Compact).toStdString();
    sc.fingerprint = s.fingerprint();
    sc.estimatorVersion = estimatorVersion;
    sc.totalPoints = s.totalPoints();
    sc.shardBegin = begin;
    sc.shardEnd = end;
    return sc;
}

namespace {

void extractIntervals(const Uncertainty& u, SweepRow& row)
{
    for (int m = 0; m < kIntervalCount; ++m) {
        const MetricInterval* i = u.find(metricName(static_cast<MetricId>(m)));
        row.lo[m] = i ? i->lo : std::nan("");
        row.hi[m] = i ? i->hi : std::nan("");
    }
}

struct Chunk {
    std::int64_t begin = 0, end = 0;
    std::vector<SweepRow> rows;
};

// Per-thread state: the point generator and the estimator's scratch buffers.
struct Worker {
    explicit Worker(const Study& s) : points(s) {}
    PointGenerator points;
    AnalyticalEstimator::Scratch scratch;
    Metrics metrics;
};

} // namespace

SweepSummary runSweep(const Study& study, ResultSink& sink, bool resume, const SweepOptions& opts)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (study.axes.size() > static_cast<size_t>(kMaxAxes))
        throw InputError(study.file, "grid", "too many varied parameters");
    SweepSummary sum;
    // Plain variables, not a structured binding: lambdas below capture them (clang 14 cannot capture bindings).
    const auto range = shardRange(study.totalPoints(), opts.shardIndex, opts.shardCount);
    const std::int64_t begin = range.first, end = range.second;
    sum.begin = begin;
    sum.end = end;
    // The analytical estimator has a scratch-buffer fast path; others go through the interface.
    AnalyticalEstimator analytical;
    std::unique_ptr<Estimator> other;
    if (study.estimator != AnalyticalEstimator::kId) {
        try {
            other = createEstimator(study.estimator);
        } catch (const InputError& e) {
            throw InputError(study.file, "estimator", e.reason());
        }
    }
    SweepSchema schema = schemaFor(study, other ? other->version() : analytical.version(), begin, end);
    schema.shardIndex = opts.shardIndex;
    schema.shardCount = opts.shardCount;
    if (opts.intervals) schema.intervalLevel = bundledErrorModel().level;
    sink.begin(schema);

    const int dims = static_cast<int>(study.objectives.size());
    ParetoFront front(std::max(dims, 1));
    std::vector<double> obj(static_cast<size_t>(std::max(dims, 1)));
    auto offer = [&](std::int64_t index, const MetricRow& m) {
        // Only designs that fit (memory, and an FPGA part's budget) and meet the study's constraints are candidates.
        if (m[int(MetricId::Fits)] == 0 || m[int(MetricId::FpgaUtilisation)] > 1 || !study.admits(m)) return;
        for (int i = 0; i < dims; ++i) {
            const double v = m[int(study.objectives[i].metric)];
            obj[i] = study.objectives[i].maximise ? -v : v;
        }
        front.offer(index, obj.data());
    };
    const bool keepFront = opts.pareto && dims > 0;
    std::vector<bool> done;
    if (resume) {
        done = sink.finished(begin, end);
        if (keepFront) sink.scanStored(offer);
    }

    std::optional<oneapi::tbb::global_control> limit;
    if (opts.threads > 0) limit.emplace(oneapi::tbb::global_control::max_allowed_parallelism, opts.threads);
    const int tokens = 2 * static_cast<int>(oneapi::tbb::this_task_arena::max_concurrency()) + 1;
    oneapi::tbb::enumerable_thread_specific<Worker> workers([&] { return Worker(study); });

    // Each chunk is one committed transaction: keep them to about a second of work, so a
    // killed simulation sweep loses little (the analytical estimator does 8192 points in ms).
    const std::int64_t chunk = other ? std::min<std::int64_t>(opts.chunk, 128) : opts.chunk;
    std::int64_t next = begin;
    std::int64_t processed = 0;
    const std::int64_t inRun = end - begin;
    oneapi::tbb::parallel_pipeline(
        static_cast<size_t>(tokens),
        oneapi::tbb::make_filter<void, Chunk*>(
            oneapi::tbb::filter_mode::serial_in_order,
            [&](oneapi::tbb::flow_control& fc) -> Chunk* {
                // Skip whole chunks a resumed run already finished.
                while (next < end && !done.empty()) {
                    std::int64_t stop = std::min(end, next + chunk);
                    bool all = true;
                    for (std::int64_t i = next; i < stop && all; ++i) all = done[size_t(i - begin)];
                    if (!all) break;
                    sum.skipped += stop - next;
                    processed += stop - next;
                    next = stop;
                }
                if (next >= end || (opts.cancel && opts.cancel->load())) {
                    sum.cancelled = next < end;
                    fc.stop();
                    return nullptr;
                }
                auto* c = new Chunk;
                c->begin = next;
                c->end = std::min(end, next + chunk);
                next = c->end;
                return c;
            }) &
            oneapi::tbb::make_filter<Chunk*, Chunk*>(
                oneapi::tbb::filter_mode::parallel,
                [&](Chunk* c) {
                    Worker& w = workers.local();
                    c->rows.reserve(static_cast<size_t>(c->end - c->begin));
                    for (std::int64_t i = c->begin; i < c->end; ++i) {
                        if (!done.empty() && done[size_t(i - begin)]) continue;
                        SweepRow row;
                        row.index = i;
                        try {
                            const Design& d = w.points.at(i, row.params.data());
                            d.validate();
                            if (other) w.metrics = other->evaluate(d, false);
                            else analytical.evaluate(d, w.metrics, w.scratch, false);
                            extractMetrics(w.metrics, row.metrics);
                            if (opts.intervals)
                                extractIntervals(estimateUncertainty(other ? *other : static_cast<const Estimator&>(analytical),
                                                                     d, w.metrics),
                                                 row);
                        } catch (const InputError& e) {
                            row.error = e.what();
                        }
                        c->rows.push_back(std::move(row));
                    }
                    return c;
                }) &
            oneapi::tbb::make_filter<Chunk*, void>(oneapi::tbb::filter_mode::serial_in_order, [&](Chunk* c) {
                std::unique_ptr<Chunk> owned(c);
                sink.write(c->rows);
                for (const auto& r : c->rows) {
                    ++sum.evaluated;
                    if (!r.error.empty()) { ++sum.invalid; continue; }
                    if (r.metrics[int(MetricId::Fits)] == 0 || r.metrics[int(MetricId::FpgaUtilisation)] > 1) ++sum.infeasible;
                    if (keepFront) offer(r.index, r.metrics);
                }
                processed += c->end - c->begin;
                if (opts.progress) opts.progress(processed, inRun);
            }));
    if (keepFront) {
        sum.front = front.points();
        std::vector<std::int64_t> idx;
        for (const auto& p : sum.front) idx.push_back(p.index);
        sink.writePareto(idx);
    }
    sink.finish();
    sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return sum;
}

} // namespace llmdse
