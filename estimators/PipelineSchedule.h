#pragma once
// How a phase runs when the batch is spread over expert-parallel group members and pipeline stages:
// attention is data-parallel across the expert-parallel group (each member takes its share of the
// sequences), and each member's sequences go through the stages as microbatches, one in each stage
// at a time (as vLLM's virtual engines and TensorRT-LLM's in-flight batches keep them).
#include "core/Design.h"
#include "core/Metrics.h"

namespace llmdse {

struct PipelinePlan {
    int stages = 1;
    int microbatches = 1; // in flight at once: min(stages, sequences per group member)
    int microbatch = 1;   // sequences per microbatch: what one operator graph is built for
    int passSequences = 1; // sequences in one pass across the expert-parallel group
    int layers = 1;
};

PipelinePlan planPipeline(const Design& d);

// The time of the busiest stage in one pass of a microbatch: its share of the layers (stages take
// ceil(layers / stages)), plus the first stage's embedding or the last stage's lm_head, plus a hand-off.
double busiestStageS(const PhaseCost& pass, const PipelinePlan& plan);

// A whole phase from the cost of one microbatch's pass through every stage (`pass`; the sum of the
// stages' times, as an operator graph costs it):
//   prefill (fill = true): the last microbatch finishes after pass + (m - 1) x busiest stage;
//   decode: every sequence advances one token per cycle of max(pass, m x busiest stage).
// Work (FLOPs, bytes, dynamic and busy energy) is m passes; the powered devices' idle power is
// charged once over the phase's time (`idleW`, all devices), not once per microbatch.
PhaseCost pipelined(const PhaseCost& pass, const PipelinePlan& plan, double idleW, bool fill);

} // namespace llmdse
