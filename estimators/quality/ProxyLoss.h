#pragma once
// proxy_loss: a PROXY for a model's quality, not a measurement. It is the pre-training loss
// predicted by the Chinchilla parametric fit (Hoffmann et al. 2022, "Training Compute-Optimal
// Large Language Models", eq. 10 / Approach 3: L(N, D) = E + A / N^alpha + B / D^beta) plus
// the published quality cost of the weight and KV-cache formats, turned from a perplexity
// ratio into a loss delta as ln(ppl_quantised / ppl_fp16). Lower is better; in nats per token.
#include "core/Design.h"

#include <string>
#include <vector>

namespace llmdse {

struct ChinchillaFit {
    // Hoffmann et al. 2022, section 3.3 / D.2 (Approach 3, fitted on their training runs).
    static constexpr double E = 1.69, A = 406.4, B = 410.7, alpha = 0.34, beta = 0.28;
    // With no model.training_tokens: 20 tokens per parameter, the compute-optimal ratio of the
    // same paper (Table 3: e.g. 70B parameters -> 1.4T tokens).
    static constexpr double defaultTokensPerParameter = 20.0;
};

// E + A / N^alpha + B / D^beta, N parameters, D training tokens (both > 0).
double chinchillaLoss(double parameters, double tokens);

// One row of the format-cost table: the perplexity of a Llama-class model with this format
// against the same model in fp16, as published.
struct FormatQualityCost {
    const char* part;     // "weights" or "kv"
    const char* format;   // precision name: int4, int8, fp8 ...
    double pplFp16 = 0, pplQuantised = 0;
    const char* source;   // the primary paper and table the figures are read from
    double lossDelta() const; // ln(pplQuantised / pplFp16)
};
const std::vector<FormatQualityCost>& formatQualityCosts();

// Loss delta of a weight / KV format (0 for fp32/fp16/bf16).
double weightFormatLossDelta(const QuantFormat& q);
double kvFormatLossDelta(const QuantFormat& q);

// The design's proxy loss: the fit at its parameter count and training tokens, plus the format deltas.
double proxyLoss(const Design& d);
double trainingTokens(const ModelSpec& m); // model.training_tokens, or 20 per parameter

// One line saying what the number is and where it comes from (for help texts and reports).
const char* proxyLossProvenance();

} // namespace llmdse
