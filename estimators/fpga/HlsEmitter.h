#pragma once
// `llmdse compile --emit-hls DIR`: HLS C++ for one decoder layer (Llama-style: RMSNorm,
// q/k/v with RoPE and a KV cache, grouped-query attention, o projection, SwiGLU MLP) carrying
// the plan's unroll, pipeline and array-partition pragmas, a tiny header instead of the vendor's
// ap_int types, and a C-simulation testbench that runs every layer of a model token by token
// and writes the logits. g++ ignores the pragmas; synthesis needs the vendor's HLS tools and
// is not run.
#include "core/ModelSpec.h"
#include "core/Precision.h"
#include "estimators/fpga/FpgaPlan.h"

#include <string>
#include <vector>

namespace llmdse {

struct ModelWeights;

// Throws InputError naming the field when the model or format is outside what the export
// writes (biases, LayerNorm, GeGLU, sliding windows, mixtures of experts; weights other than
// fp32, int8 or int4). Returns the files written.
std::vector<std::string> emitHls(const FpgaPlan& plan, const ModelSpec& m, const QuantFormat& weights,
                                 const std::string& dir, int maxContext = 256);

// The weights file the testbench reads: fp32 weights as they are, int8/int4 group-wise with
// fp16-rounded scales exactly as the reference engine quantises them.
void writeHlsWeights(const ModelWeights& w, const QuantFormat& weights, const std::string& path);

// The weight elements per scale the export uses for a projection `in` wide (the engine's rule).
int hlsGroupSize(const QuantFormat& weights, int in);

} // namespace llmdse
