#include "models/engine/Generation.h"

#include "core/Design.h"
#include "core/Errors.h"

#include <algorithm>
#include <chrono>

namespace llmdse {

double GenerationResult::decodeTokensPerS() const
{
    if (decodeS <= 0 || decodeSteps == 0) return 0;
    return double(decodeSteps) * double(newTokens.size()) / decodeS;
}

GenerationResult generate(ReferenceEngine& engine, const std::vector<std::vector<int>>& prompts, int maxNewTokens,
                          const SamplingOptions& sampling, bool keepPromptLogits)
{
    GenerationResult r;
    const int B = static_cast<int>(prompts.size());
    int S = 0; // the longest prompt: shorter ones are left-padded to it
    for (const auto& p : prompts) S = std::max(S, static_cast<int>(p.size()));
    if (maxNewTokens > kMaxTokens || S > kMaxTokens)
        throw InputError("", "max_new_tokens", "prompt and new tokens must each be at most " + std::to_string(kMaxTokens));
    KvCache cache(engine.spec(), B, S + std::max(1, maxNewTokens));
    std::vector<Sampler> samplers;
    for (int b = 0; b < B; ++b) {
        SamplingOptions o = sampling;
        o.seed = sampling.seed + std::uint64_t(b);
        samplers.emplace_back(o);
    }
    r.newTokens.assign(size_t(B), {});
    auto t0 = std::chrono::steady_clock::now();
    RowMatrix logits = engine.forward(prompts, cache, keepPromptLogits);
    r.prefillS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (keepPromptLogits) {
        const int first = S - static_cast<int>(prompts[0].size()); // the first sequence's own positions
        r.promptLogits = logits.middleRows(first, S - first);
        RowMatrix last(B, logits.cols());
        for (int b = 0; b < B; ++b) last.row(b) = logits.row(b * S + S - 1);
        logits = last;
    }
    if (maxNewTokens <= 0) return r;
    std::vector<std::vector<int>> step(size_t(B), std::vector<int>(1));
    for (int b = 0; b < B; ++b) r.newTokens[size_t(b)].push_back(samplers[size_t(b)].next(logits.row(b)));
    t0 = std::chrono::steady_clock::now();
    for (int i = 1; i < maxNewTokens; ++i) {
        for (int b = 0; b < B; ++b) step[size_t(b)][0] = r.newTokens[size_t(b)].back();
        logits = engine.forward(step, cache);
        for (int b = 0; b < B; ++b) r.newTokens[size_t(b)].push_back(samplers[size_t(b)].next(logits.row(b)));
        ++r.decodeSteps;
    }
    r.decodeS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace llmdse
