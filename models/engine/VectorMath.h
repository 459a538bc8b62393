#pragma once
// Element-wise loops of the reference engine (gated activations, softmax, greedy argmax) and the
// read loop of the memory-bandwidth probes, with
// a portable body and an AVX2 one chosen at run time, as WeightKernels does: the portable build
// compiles Eigen's exp / tanh for SSE2 only, which left the batch-8 decode's gated activation
// at 4x its AVX2 time (about 1.9 of a 65 ms step in qwen2.5-0.5b).
#include <cstddef>

namespace llmdse::kernels {

// out[i] = silu(g[i]) * up[i] (SwiGLU).
void siluGate(const float* g, const float* up, float* out, int n);
// out[i] = gelu_tanh(g[i]) * up[i] (GeGLU with the tanh approximation, gelu_pytorch_tanh).
void geluTanhGate(const float* g, const float* up, float* out, int n);
// s[i] = exp((s[i] - max s) * scale) / sum: a row of attention scores to probabilities.
void softmaxScaled(float* s, int n, float scale);
// The first index of the largest value (NaN never counts as largest; 0 if all are NaN): greedy
// decoding's choice over a vocabulary of 150k logits per sequence and step.
int argmax(const float* x, int n);
// The sum of n values, read in four independent chains of 8 lanes where the CPU has AVX2: a
// read-bandwidth probe that the adds cannot hold back. (Eigen's sum, built for SSE2, read
// 6-7% slower than this on the development machine, which made every measured fraction of the
// bandwidth roofline look that much better than it was.)
float sumFloats(const float* x, std::size_t n);

} // namespace llmdse::kernels
