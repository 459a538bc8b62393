#pragma once
// Runs a study's "search": generation by generation, proposes designs (NSGA-II or uniform
// random), evaluates each generation in parallel on oneTBB through the sweep's point evaluator,
// streams every evaluated point to the sink (with a `generation` column) and records the front
// over all points so far, with its hypervolume, after each generation.
//
// Feasible: fits in memory, within an FPGA part's budget, and every study constraint met; the
// violation otherwise is the sum of the misses, relative to each bound (constrained domination).
// Hypervolume reference point: search.reference when given (objectives' own units); otherwise
// fixed at the first generation with feasible points, at each objective's worst feasible value
// there plus 10% of its spread (|worst| x 10% when they agree; 1 when that is 0).
//
// Deterministic for a seed: all random choices are made serially, and each candidate's
// result lands in its own slot whatever thread evaluates it. Resuming (a .sqlite output):
// the run is replayed from the seed, taking the stored rows instead of evaluating them again,
// so an interrupted run ends exactly as an uninterrupted one.
#include "estimators/sweep/SweepRunner.h"

namespace llmdse {

SweepSummary runSearch(const Study& study, ResultSink& sink, bool resume, const SweepOptions& opts);

// 0 for a feasible point, else how far it misses (see above); invalid points are not rated here.
double searchViolation(const Study& study, const MetricRow& m);

} // namespace llmdse
