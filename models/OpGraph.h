#pragma once
// The operators of one inference phase with their exact work.
//
// Every quantity is per repetition (`count` = layers for layer ops) and per
// device shard (tensor/expert parallel split). Decode quantities are affine in
// the attended context c: value(c) = x0 + x1 * c, so the estimator can sum a
// whole generation in closed form instead of step by step.
#include "core/Collective.h"
#include "core/Metrics.h"
#include "core/ModelSpec.h"
#include "core/OpClass.h"
#include "core/Optimizations.h"
#include "core/Parallelism.h"
#include "core/VisionEncoder.h"

#include <cstdint>
#include <vector>

namespace llmdse {

enum class Phase : unsigned char { Prefill, Decode };
const char* toString(Phase p);

struct Affine {
    double x0 = 0, x1 = 0;
    double at(double c) const { return x0 + x1 * c; }
};

// Where an operator runs under pipeline parallelism: in every stage's share of the layers, only
// in the first stage (embedding), only in the last (final norm, lm_head), or between stages.
enum class Placement : unsigned char { Layer, FirstStage, LastStage, Handoff };

struct Op {
    const char* name = "";
    OpClass cls = OpClass::Matmul;
    Precision precision = Precision::FP16; // requested compute precision
    Precision weightPrecision = Precision::FP16; // stored weight format (matmuls)
    int count = 1;
    std::int64_t m = 0, n = 0, k = 0;      // GEMM shape (m tokens), or m x n elements
    Affine flops;
    double weightBytes = 0;                // weights streamed from main memory (scales included), busiest device
    double weightShare = 1;                // routed experts: the mean device streams this share of weightBytes
    double weightElements = 0;             // weight values those bytes hold
    int weightGroup = 0;                   // weight elements per scale (integer formats), 0: unscaled
    Affine actBytes;                       // activations read + written, minimal (fused) traffic
    Affine kvBytes;                        // KV cache read + written
    double dequantFlops = 0;               // vector work to unpack quantised weights
    double commBytes = 0;                  // payload per device over the interconnect
    int commParticipants = 1;              // devices in the collective
    Collective collective = Collective::Send;
    bool sparse24 = false;                 // runs on 2:4 sparse matrix units (half the multiplies)
    bool routed = false;                   // MoE expert work and its all-to-all: the busiest device sets the pace
    double imbalance = 1;                  // routed: busiest device's tokens / mean from random routing alone
    int attnBatch = 0, attnKvHeads = 0;    // attention: sequences and KV heads (per shard)
    int window = 0;                        // attention: sliding window; decode attends min(c, window) (0: all of c)
    Placement placement = Placement::Layer;
    int projections = 1;                   // matrices stacked in this matmul (q|k|v: 3, gate|up: 2)

    Affine bytes() const { return {weightBytes + actBytes.x0 + kvBytes.x0, actBytes.x1 + kvBytes.x1}; }
};

struct OpGraph {
    Phase phase = Phase::Prefill;
    int batch = 1;
    int tokensPerSequence = 1; // prompt length for prefill, 1 for decode
    // Sequences in one pass across the expert-parallel group, whose members each run `batch` of them
    // (fewer when the batch does not fill every member); 0: batch x ep.
    int groupBatch = 0;
    std::vector<Op> ops;

    // Totals over all repetitions at context c (decode) on one device shard.
    double totalFlops(double c = 0) const;
    double totalBytes(double c = 0) const;
};

// What the target's matrix units can do with sparse weights (HardwareSpec::sparse24 / sparseUnstructured).
struct SparseSupport {
    bool twoFour = false;
    bool unstructured = false;
};

// Prefill of `batch` sequences of `prompt` tokens.
void buildPrefill(const ModelSpec& m, const Optimizations& o, const Parallelism& p, int batch, int prompt, OpGraph& out,
                  SparseSupport sparse = {}, int groupBatch = 0);
// One decode step for `batch` sequences; attention cost is affine in the context. With
// `tokens` > 1 each sequence brings that many query tokens (a speculative verification step),
// and every one of them produces logits.
void buildDecode(const ModelSpec& m, const Optimizations& o, const Parallelism& p, int batch, OpGraph& out,
                 SparseSupport sparse = {}, int tokens = 1, int groupBatch = 0);
// An image encoder over `images` images and its projector into an LLM `llmHidden` wide.
void buildEncoder(const VisionEncoderSpec& e, const Optimizations& o, const Parallelism& p, int images, int llmHidden,
                  OpGraph& out);
// The same graph with its context-dependent terms stretched by `stride`: summing it over
// contexts c0/stride + i equals summing the original over c0 + stride * i (decode steps
// that advance the context by `stride` tokens each, as speculative steps do).
OpGraph strided(const OpGraph& g, double stride);
// Adds `seconds` of an op placed at `where` to the pipeline-stage split of a phase's time
// (layer work is what is left of the total, so it is not added anywhere).
inline void addStageTime(StageTimes& s, Placement where, double seconds)
{
    if (where == Placement::FirstStage) s.firstS += seconds;
    else if (where == Placement::LastStage) s.lastS += seconds;
    else if (where == Placement::Handoff) s.handoffS += seconds;
}
// The graph at contexts past every sliding window: windowed attention attends exactly its window,
// so its context terms become constants. Written into `out` (reused between calls).
void saturateWindows(const OpGraph& g, OpGraph& out);
// The smallest sliding window in `g` (0: none): contexts below it cost as the graph says.
int smallestWindow(const OpGraph& g);

} // namespace llmdse
