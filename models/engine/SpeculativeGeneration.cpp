#include "models/engine/SpeculativeGeneration.h"
#include "core/Errors.h"

#include <algorithm>
#include <chrono>

namespace llmdse {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int argmax(const Eigen::Ref<const Eigen::RowVectorXf>& row)
{
    Eigen::Index i = 0;
    row.maxCoeff(&i);
    return static_cast<int>(i);
}

} // namespace

double SpeculativeResult::acceptanceAt(int i) const
{
    return i >= 0 && size_t(i) < reached.size() && reached[size_t(i)] ? double(acceptedAt[size_t(i)]) / double(reached[size_t(i)]) : 0.0;
}

double SpeculativeResult::decodeTokensPerS() const
{
    const double s = decodeS();
    return s > 0 && newTokens.size() > 1 ? double(newTokens.size() - 1) / s : 0.0;
}

SpeculativeResult generateSpeculative(ReferenceEngine& target, ReferenceEngine& draft, const std::vector<int>& prompt,
                                      int maxNewTokens, int draftLength)
{
    if (draftLength < 1) throw InputError("", "draft_len", "must be >= 1");
    if (draft.spec().vocab != target.spec().vocab)
        throw InputError("", "draft", "the draft's vocabulary (" + std::to_string(draft.spec().vocab) +
                                          ") differs from the target's (" + std::to_string(target.spec().vocab) + ")");
    SpeculativeResult r;
    r.draftLength = draftLength;
    r.reached.assign(size_t(draftLength), 0);
    r.acceptedAt.assign(size_t(draftLength), 0);
    const int S = static_cast<int>(prompt.size()), N = maxNewTokens;
    if (N <= 0) return r;
    // A verification never runs past the N-th token, so S + N slots suffice for both caches.
    KvCache tc(target.spec(), 1, S + N), dc(draft.spec(), 1, S + N);
    std::vector<int> seq = prompt; // prompt + generated; the last token is in neither cache yet

    auto t0 = Clock::now();
    seq.push_back(argmax(target.forward({prompt}, tc).row(0)));
    r.prefillS = since(t0);
    t0 = Clock::now();
    draft.forward({prompt}, dc);
    r.draftPrefillS = since(t0);

    while (int(seq.size()) - S < N) {
        const int len = static_cast<int>(seq.size());
        const int k = std::min(draftLength, N - (len - S) - 1); // never propose past the N-th token
        std::vector<int> proposal;
        t0 = Clock::now();
        if (k > 0) {
            // The draft first catches up on what it has not seen (the last token, and the
            // previous round's last proposal when all were accepted), then proposes.
            std::vector<int> in(seq.begin() + dc.length(), seq.end());
            for (int i = 0; i < k; ++i) {
                proposal.push_back(argmax(draft.forward({in}, dc).row(0)));
                in = {proposal.back()};
            }
        }
        r.draftS += since(t0);

        t0 = Clock::now();
        std::vector<int> in(seq.begin() + tc.length(), seq.end()); // the last token
        in.insert(in.end(), proposal.begin(), proposal.end());
        const RowMatrix logits = target.forward({in}, tc, true);
        r.verifyS += since(t0);
        const int base = static_cast<int>(in.size()) - k - 1; // row whose logits choose the token after seq
        int j = 0;
        while (j < k && argmax(logits.row(base + j)) == proposal[size_t(j)]) {
            ++r.reached[size_t(j)];
            ++r.acceptedAt[size_t(j)];
            ++j;
        }
        if (j < k) ++r.reached[size_t(j)];
        ++r.steps;
        r.proposed += k;
        r.accepted += j;
        (k == 0 ? r.lastSteps : j < k ? r.corrections : r.bonus) += 1;
        seq.insert(seq.end(), proposal.begin(), proposal.begin() + j);
        seq.push_back(argmax(logits.row(base + j)));
        // Keep what the accepted prefix put in the caches; the new last token is in neither.
        tc.truncate(len + j);
        dc.truncate(std::min(dc.length(), len + j));
    }
    r.newTokens.assign(seq.begin() + S, seq.end());
    return r;
}

} // namespace llmdse
