#include "estimators/search/SearchRunner.h"
#include "core/Errors.h"
#include "estimators/search/Hypervolume.h"
#include "estimators/search/Nsga2.h"
#include "estimators/sweep/PointEvaluator.h"

#include <chrono>
#include <cmath>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <optional>
#include <unordered_map>

namespace llmdse {

namespace {

constexpr double kInvalid = 1e300; // violation of a design the estimator refused

struct Stored {
    MetricRow metrics;
    bool valid = true;
};

std::vector<double> defaultReference(const std::vector<Candidate>& gen)
{
    std::vector<double> worst, best;
    for (const auto& c : gen) {
        if (c.violation > 0) continue;
        if (worst.empty()) worst = best = c.objectives;
        for (size_t i = 0; i < worst.size(); ++i) {
            worst[i] = std::max(worst[i], c.objectives[i]);
            best[i] = std::min(best[i], c.objectives[i]);
        }
    }
    for (size_t i = 0; i < worst.size(); ++i) {
        const double span = worst[i] - best[i];
        worst[i] += span > 0 ? 0.1 * span : worst[i] != 0 ? 0.1 * std::abs(worst[i]) : 1.0;
    }
    return worst;
}

} // namespace

double searchViolation(const Study& study, const MetricRow& m)
{
    double v = study.violation(m);
    if (m[int(MetricId::Fits)] == 0) v += 1;
    const double fpga = m[int(MetricId::FpgaUtilisation)];
    if (fpga > 1) v += fpga - 1;
    for (const auto& o : study.objectives)
        if (!std::isfinite(m[int(o.metric)])) v += 1; // an objective this estimator cannot rate
    return v;
}

SweepSummary runSearch(const Study& study, ResultSink& sink, bool resume, const SweepOptions& opts)
{
    const auto t0 = std::chrono::steady_clock::now();
    const SearchSpec& spec = *study.search;
    if (opts.shardCount > 1) throw InputError("", "--shard", "a search runs whole: its generations depend on each other");
    if (study.axes.size() + 1 > static_cast<size_t>(kMaxAxes))
        throw InputError(study.file, "space", "more than " + std::to_string(kMaxAxes - 1) + " parameters");
    const size_t dims = study.objectives.size();
    std::vector<double> reference;
    if (!spec.reference.empty()) {
        if (spec.reference.size() != dims)
            throw InputError(study.file, "search.reference", "needs one value per objective (" + std::to_string(dims) + ")");
        for (size_t i = 0; i < dims; ++i) reference.push_back(study.objectives[i].maximise ? -spec.reference[i] : spec.reference[i]);
    }

    const PointEvaluator evaluator(study);
    SweepSchema schema = schemaFor(study, evaluator.version(), 0, study.gridSize);
    schema.paramNames.push_back("generation");
    schema.paramText.emplace_back();
    const size_t generationColumn = study.axes.size();
    sink.begin(schema);

    std::unordered_map<std::int64_t, Stored> stored;
    if (resume && !sink.scanEvaluated([&](std::int64_t i, const MetricRow& m, bool valid) { stored[i] = {m, valid}; }))
        throw InputError("", "--resume", "only a .sqlite output can resume a search");

    std::vector<int> levels;
    std::vector<bool> ordered;
    for (const auto& a : study.axes) {
        levels.push_back(static_cast<int>(a.values.size()));
        ordered.push_back(!a.textual());
    }
    Nsga2 nsga(levels, ordered, spec, study.gridSize);
    const bool evolve = spec.algorithm == SearchSpec::Algorithm::Nsga2;

    std::optional<oneapi::tbb::global_control> limit;
    if (opts.threads > 0) limit.emplace(oneapi::tbb::global_control::max_allowed_parallelism, opts.threads);
    oneapi::tbb::enumerable_thread_specific<PointEvaluator::Worker> workers([&] { return PointEvaluator::Worker(study); });

    SweepSummary sum;
    sum.begin = 0;
    sum.end = study.gridSize;
    ParetoFront archive(static_cast<int>(dims));
    std::int64_t done = 0, feasible = 0;
    for (int generation = 0; done < spec.budget; ++generation) {
        if (opts.cancel && opts.cancel->load()) {
            sum.cancelled = true;
            break;
        }
        const auto want = static_cast<int>(std::min<std::int64_t>(spec.population, spec.budget - done));
        const auto genes = nsga.propose(want);
        if (genes.empty()) break; // the whole space is evaluated
        std::vector<SweepRow> rows(genes.size());
        std::vector<size_t> fresh;
        for (size_t i = 0; i < genes.size(); ++i) {
            rows[i].index = nsga.indexOf(genes[i]);
            auto it = stored.find(rows[i].index);
            if (it == stored.end()) {
                fresh.push_back(i);
                continue;
            }
            rows[i].metrics = it->second.metrics;
            if (!it->second.valid) rows[i].error = "invalid (stored)";
        }
        oneapi::tbb::parallel_for(size_t(0), fresh.size(), [&](size_t k) {
            SweepRow& r = rows[fresh[k]];
            evaluator.evaluate(workers.local(), r.index, r);
            r.params[generationColumn] = generation;
        });
        std::vector<SweepRow> written;
        written.reserve(fresh.size());
        for (size_t k : fresh) written.push_back(rows[k]);
        if (!written.empty()) sink.write(written);
        sum.evaluated += static_cast<std::int64_t>(fresh.size());
        sum.skipped += static_cast<std::int64_t>(genes.size() - fresh.size());

        std::vector<Candidate> cands(genes.size());
        for (size_t i = 0; i < genes.size(); ++i) {
            Candidate& c = cands[i];
            c.genes = genes[i];
            c.index = rows[i].index;
            c.objectives.assign(dims, 0);
            if (!rows[i].error.empty()) {
                ++sum.invalid;
                c.violation = kInvalid;
                continue;
            }
            const MetricRow& m = rows[i].metrics;
            if (m[int(MetricId::Fits)] == 0 || m[int(MetricId::FpgaUtilisation)] > 1) ++sum.infeasible;
            for (size_t d = 0; d < dims; ++d) {
                const double v = m[int(study.objectives[d].metric)];
                c.objectives[d] = study.objectives[d].maximise ? -v : v;
            }
            c.violation = searchViolation(study, m);
            if (c.violation == 0) {
                ++feasible;
                archive.offer(c.index, c.objectives.data());
            }
        }
        done += static_cast<std::int64_t>(genes.size());
        if (reference.empty()) reference = defaultReference(cands);
        if (evolve) nsga.accept(std::move(cands));

        SearchGeneration g;
        g.generation = generation;
        g.evaluations = done;
        g.feasible = feasible;
        g.front = archive.points();
        std::vector<std::vector<double>> pts;
        std::vector<std::int64_t> idx;
        for (const auto& p : g.front) {
            pts.push_back(p.objectives);
            idx.push_back(p.index);
        }
        g.hypervolume = reference.empty() ? 0 : hypervolume(pts, reference);
        sink.writeGeneration(generation, done, g.hypervolume, idx);
        if (opts.generation) opts.generation(g);
        if (opts.progress) opts.progress(done, spec.budget);
        sum.generations.push_back(std::move(g));
    }
    sum.front = archive.points();
    std::vector<std::int64_t> idx;
    for (const auto& p : sum.front) idx.push_back(p.index);
    sink.writePareto(idx);
    sink.finish();
    sum.reference = reference;
    sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return sum;
}

} // namespace llmdse
