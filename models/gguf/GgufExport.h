#pragma once
// A model the reference engine holds (a Hugging Face checkpoint or synthetic weights)
// written as a GGUF file llama.cpp loads: its architecture's metadata keys, a minimal
// SentencePiece vocabulary (llama.cpp is driven with token ids, never text), norms and
// biases in f32 and every matrix in the chosen format (embeddings and output head too,
// as `llama-quantize --pure` does). Llama and Mistral are written as llama.cpp's `llama`
// architecture, with Q and K rows permuted from Hugging Face's rotate-half order into
// GGML's interleaved RoPE order; Qwen2 as `qwen2` (NEOX RoPE: no permutation), with its
// q/k/v biases.
#include "models/engine/ModelWeights.h"
#include "models/gguf/GgmlBlocks.h"

#include <string>

namespace llmdse {

// "f32", "f16", "q8_0", "q4_0" (InputError on `field` otherwise).
GgmlType parseGgufWeights(const std::string& text, const std::string& field);
// The llama.cpp architecture a model family is exported as ("" when there is none).
std::string ggufArchitecture(const std::string& family);
// Throws InputError when the family has no llama.cpp architecture here, a matrix row is
// not a whole number of 32-weight blocks for a quantised format, or the file cannot be written.
void exportGguf(const ModelWeights& w, GgmlType weights, const std::string& path);

} // namespace llmdse
