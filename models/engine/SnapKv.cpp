#include "models/engine/SnapKv.h"
#include "core/Errors.h"

#include <algorithm>
#include <numeric>

namespace llmdse {

namespace {

void validate(const SnapKvOptions& o)
{
    if (o.budget < 0) throw InputError("", "kv_budget", "must be >= 0");
    if (o.window < 1) throw InputError("", "kv_window", "must be >= 1");
    if (o.budget > 0 && o.window > o.budget) throw InputError("", "kv_window", "must not exceed the budget");
    if (o.poolKernel < 1 || o.poolKernel % 2 == 0) throw InputError("", "kv_pool", "must be an odd number >= 1");
}

int argmax(const Eigen::Ref<const Eigen::RowVectorXf>& row)
{
    Eigen::Index i = 0;
    row.maxCoeff(&i);
    return static_cast<int>(i);
}

} // namespace

std::vector<int> snapKvSelect(const std::vector<float>& votes, const SnapKvOptions& o)
{
    validate(o);
    const int S = static_cast<int>(votes.size());
    std::vector<int> keep(static_cast<size_t>(S));
    std::iota(keep.begin(), keep.end(), 0);
    if (o.budget == 0 || o.budget >= S) return keep;
    const int prefix = S - o.window, half = o.poolKernel / 2;
    // Max-pool over the prefix only (stride 1, 'same' padding), as SnapKV pools the votes.
    std::vector<float> pooled(static_cast<size_t>(prefix));
    for (int p = 0; p < prefix; ++p) {
        float m = votes[size_t(p)];
        for (int q = std::max(0, p - half); q <= std::min(prefix - 1, p + half); ++q) m = std::max(m, votes[size_t(q)]);
        pooled[size_t(p)] = m;
    }
    std::vector<int> order(static_cast<size_t>(prefix));
    std::iota(order.begin(), order.end(), 0);
    const int pick = o.budget - o.window;
    std::partial_sort(order.begin(), order.begin() + pick, order.end(), [&](int a, int b) {
        return pooled[size_t(a)] != pooled[size_t(b)] ? pooled[size_t(a)] > pooled[size_t(b)] : a < b;
    });
    keep.assign(order.begin(), order.begin() + pick);
    std::sort(keep.begin(), keep.end());
    for (int p = prefix; p < S; ++p) keep.push_back(p);
    return keep;
}

std::vector<std::vector<int>> compressSnapKv(KvCache& cache, const AttentionCapture& capture, const SnapKvOptions& o)
{
    validate(o);
    const int S = cache.length();
    if (capture.keys != S || capture.layers != cache.layers() || capture.batch != cache.batch() || capture.kvHeads != cache.kvHeads())
        throw InputError("", "kv_budget", "the attention capture does not match the cache (capture the prefill that filled it)");
    std::vector<std::vector<int>> kept;
    std::vector<float> votes(static_cast<size_t>(S));
    for (int l = 0; l < cache.layers(); ++l)
        for (int b = 0; b < cache.batch(); ++b)
            for (int h = 0; h < cache.kvHeads(); ++h) {
                const float* s = capture.at(l, b, h);
                votes.assign(s, s + S);
                kept.push_back(snapKvSelect(votes, o));
                cache.gather(l, b, h, kept.back());
            }
    cache.evictTo(static_cast<int>(kept.front().size()));
    return kept;
}

SnapKvReport evaluateSnapKv(ReferenceEngine& engine, const std::vector<int>& prompt, int maxNewTokens, const SnapKvOptions& o)
{
    validate(o);
    SnapKvReport r;
    const int S = static_cast<int>(prompt.size()), N = std::max(1, maxNewTokens);
    r.promptLength = S;
    // Plain greedy, keeping the logits that chose each token.
    KvCache plain(engine.spec(), 1, S + N);
    std::vector<RowMatrix> refLogits;
    refLogits.push_back(engine.forward({prompt}, plain));
    r.referenceTokens.push_back(argmax(refLogits.back().row(0)));
    for (int i = 1; i < N; ++i) {
        refLogits.push_back(engine.forward({{r.referenceTokens.back()}}, plain));
        r.referenceTokens.push_back(argmax(refLogits.back().row(0)));
    }
    // The same prefill observed, then compacted.
    KvCache cache(engine.spec(), 1, S + N);
    AttentionCapture capture;
    capture.window = o.window;
    engine.capture = &capture;
    RowMatrix first;
    try {
        first = engine.forward({prompt}, cache);
    } catch (...) {
        engine.capture = nullptr;
        throw;
    }
    engine.capture = nullptr;
    compressSnapKv(cache, capture, o);
    r.keptSlots = cache.length();
    r.keptFraction = S > 0 ? double(r.keptSlots) / S : 1.0;
    KvCache freeRun = cache;
    // Teacher-forced: feed the plain tokens, compare the logits position by position.
    int agree = 0;
    for (int i = 1; i < N; ++i) {
        const RowMatrix l = engine.forward({{r.referenceTokens[size_t(i - 1)]}}, cache);
        r.maxAbsLogitDelta = std::max(r.maxAbsLogitDelta, double((l - refLogits[size_t(i)]).cwiseAbs().maxCoeff()));
        r.maxAbsLogit = std::max(r.maxAbsLogit, double(refLogits[size_t(i)].cwiseAbs().maxCoeff()));
        agree += argmax(l.row(0)) == r.referenceTokens[size_t(i)];
        ++r.compared;
    }
    r.top1Agreement = r.compared ? double(agree) / r.compared : 1.0;
    // Free-running greedy with the compressed cache.
    r.compressedTokens.push_back(argmax(first.row(0)));
    for (int i = 1; i < N; ++i)
        r.compressedTokens.push_back(argmax(engine.forward({{r.compressedTokens.back()}}, freeRun).row(0)));
    return r;
}

} // namespace llmdse
