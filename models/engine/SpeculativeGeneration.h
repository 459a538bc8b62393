#pragma once
// Greedy speculative decoding (Leviathan et al., 2023; Chen et al., 2023) for
// one sequence: a draft engine proposes k tokens one by one, the target checks
// all of them in one forward over k+1 positions, keeps the longest prefix that
// equals its own greedy choices and adds its own next token (the correction at
// the first mismatch, or a bonus token when all k match). Both KV caches are
// rolled back to the accepted length. The output is the target's greedy output.
#include "models/engine/ReferenceEngine.h"

#include <vector>

namespace llmdse {

struct SpeculativeResult {
    std::vector<int> newTokens;
    int draftLength = 0;          // k
    int steps = 0;                // target verification forwards
    long long proposed = 0;       // draft tokens proposed
    long long accepted = 0;       // of those, kept
    int corrections = 0;          // steps ended by a mismatch: the target's token replaces the draft's
    int bonus = 0;                // steps where every proposal was kept: the target's extra token
    int lastSteps = 0;            // steps with one token left to make: nothing proposed (0 or 1)
    // accepted + corrections + bonus + lastSteps + 1 (the prefill's token) = newTokens.size().
    // Position i (0-based) of the draft: steps that drafted it with positions 0..i-1 all
    // accepted, and of those the steps that accepted it.
    std::vector<long long> reached, acceptedAt;
    double prefillS = 0;          // target prefill (the same as plain decoding's)
    double draftPrefillS = 0;     // the draft's own prefill: a cost of speculation
    double draftS = 0;            // draft proposal forwards
    double verifyS = 0;           // target verification forwards

    double acceptanceRate() const { return proposed ? double(accepted) / double(proposed) : 0.0; }
    double acceptanceAt(int i) const;
    // Tokens each verification forward yields: (accepted + steps) / steps.
    double tokensPerStep() const { return steps ? double(accepted + steps) / steps : 0.0; }
    // Everything after the target prefill, as plain decoding's decodeS.
    double decodeS() const { return draftPrefillS + draftS + verifyS; }
    // The tokens after the first (which the prefill yields) per second of decodeS().
    double decodeTokensPerS() const;
};

// Batch 1. The draft must share the target's vocabulary. draftLength >= 1.
SpeculativeResult generateSpeculative(ReferenceEngine& target, ReferenceEngine& draft, const std::vector<int>& prompt,
                                      int maxNewTokens, int draftLength);

} // namespace llmdse
