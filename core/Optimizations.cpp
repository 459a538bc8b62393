#include "core/Optimizations.h"
#include "core/Errors.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace llmdse {

WeightSparsity parseSparsity(const std::string& text, const std::string& field)
{
    WeightSparsity s;
    if (text == "dense" || text.empty()) return s;
    if (text == "2:4") {
        s.pattern = SparsityPattern::TwoFour;
        s.density = 0.5;
        return s;
    }
    const std::string prefix = "unstructured:";
    if (text.rfind(prefix, 0) == 0) {
        char* end = nullptr;
        const std::string num = text.substr(prefix.size());
        const double d = std::strtod(num.c_str(), &end);
        if (num.empty() || *end != '\0' || !(d > 0 && d <= 1))
            throw InputError("", field, "density in '" + text + "' must be a number in (0, 1]: the fraction of weights kept");
        s.pattern = SparsityPattern::Unstructured;
        s.density = d;
        return s;
    }
    throw InputError("", field, "unknown sparsity '" + text + "' (dense, 2:4 or unstructured:<density kept>)");
}

std::string toString(const WeightSparsity& s)
{
    switch (s.pattern) {
    case SparsityPattern::Dense: return "dense";
    case SparsityPattern::TwoFour: return "2:4";
    case SparsityPattern::Unstructured: {
        char buf[48];
        std::snprintf(buf, sizeof buf, "unstructured:%g", s.density);
        return buf;
    }
    }
    return "dense";
}

const char* toString(SpecKind k)
{
    switch (k) {
    case SpecKind::None: return "none";
    case SpecKind::DraftModel: return "draft";
    case SpecKind::Medusa: return "medusa";
    case SpecKind::PromptTokens: return "prompt";
    }
    return "none";
}

SpecKind parseSpecKind(const std::string& s, const std::string& field)
{
    for (auto k : {SpecKind::None, SpecKind::DraftModel, SpecKind::Medusa, SpecKind::PromptTokens})
        if (s == toString(k)) return k;
    throw InputError("", field, "unknown speculative decoding '" + s + "' (none, draft, medusa or prompt)");
}

double SpeculativeDecoding::acceptedAt(int i) const
{
    if (i >= 1 && i <= perPositionCount) return perPosition[size_t(i - 1)];
    if (perPositionCount > 0) return perPosition[size_t(perPositionCount - 1)]; // the last given rate carries on
    return acceptance;
}

double SpeculativeDecoding::expectedTokensPerStep() const
{
    if (!enabled()) return 1.0;
    double expected = 1.0, prefix = 1.0;
    for (int i = 1; i <= draftLength; ++i) {
        prefix *= acceptedAt(i);
        expected += prefix;
    }
    return expected;
}

SpeculativeDecoding::Schedule SpeculativeDecoding::schedule(double tokens) const
{
    Schedule s;
    if (!enabled() || tokens <= 0) return s;
    const int k = draftLength;
    double allAccepted = 1.0;
    for (int i = 1; i <= k; ++i) allAccepted *= acceptedAt(i);
    // Exact expectations by dynamic programming over the tokens still to make, up to a horizon
    // after which each step adds the asymptotic E tokens.
    const int horizon = int(std::min(tokens, 64.0 * k + 64));
    std::vector<double> steps(size_t(horizon) + 1, 0.0), drafts(size_t(horizon) + 1, 0.0);
    for (int n = 1; n <= horizon; ++n) {
        const int m = std::min(k, n - 1); // proposals worth making with n tokens left
        double st = 1, dr = m, prefix = 1;
        for (int a = 0; a <= m; ++a) { // a proposals accepted, then the target's own token
            const double pa = a < m ? prefix * (1 - acceptedAt(a + 1)) : prefix;
            const int left = n - (a + 1);
            st += pa * steps[size_t(left)];
            dr += pa * drafts[size_t(left)];
            if (a < m) prefix *= acceptedAt(a + 1);
        }
        steps[size_t(n)] = st;
        drafts[size_t(n)] = dr;
    }
    const double rest = tokens - horizon;
    const double E = expectedTokensPerStep();
    s.steps = steps[size_t(horizon)] + rest / E;
    s.draftForwards = drafts[size_t(horizon)] + rest / E * k;
    s.catchUps = std::max(0.0, s.steps - 1) * allAccepted;
    return s;
}

int SpeculativeDecoding::verifyTokens() const
{
    switch (kind) {
    case SpecKind::None: return 1;
    case SpecKind::DraftModel: return draftLength + 1;   // the last accepted token and k candidates
    case SpecKind::Medusa: return (treeNodes > 0 ? treeNodes : draftLength) + 1;
    case SpecKind::PromptTokens: return 2 * draftLength + 1; // candidates plus k prompt tokens for the next guesses
    }
    return 1;
}

} // namespace llmdse
