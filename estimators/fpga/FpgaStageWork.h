#pragma once
// A decoder's operators grouped into the stages an FPGA design runs: per layer the
// attention input (norm, q/k/v projection, RoPE, KV write), the attention itself, its
// output projection and residual, the MLP input (norm, gate/up) and its output (activation,
// down projection, residual); once per token the head (embedding gather, final norm, lm_head).
// The work comes from the project's operator graph (models/OpGraph.h).
#include "core/ModelSpec.h"
#include "core/Optimizations.h"
#include "estimators/fpga/FpgaPlan.h"

#include <vector>

namespace llmdse {

struct FpgaWorkload {
    std::vector<StageWork> decode;  // one decode step of one sequence at `context`
    std::vector<StageWork> prefill; // one sequence's prompt
};

// Throws InputError naming the field for a model the compiler does not map (mixture of experts).
FpgaWorkload fpgaWorkload(const ModelSpec& m, const Optimizations& o, int prompt, int context);

// The lanes' arithmetic for a stored weight format: integer (and 8-bit float) weights meet
// 8-bit activations in integer MACs, 16-bit weights fp16 MACs, fp32 weights fp32 MACs.
Precision fpgaDatapath(Precision weights);

} // namespace llmdse
