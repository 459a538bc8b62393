#include "estimators/RequestComposer.h"
#include "estimators/PhaseSummary.h"
#include "estimators/PipelineSchedule.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

void label(std::vector<OpCost>* ops, size_t from, const char* phase)
{
    if (!ops) return;
    for (size_t i = from; i < ops->size(); ++i) (*ops)[i].phase = phase;
}

// The draft runs plainly: the target's formats, none of the target's own speculation,
// pruning or cache compression.
Optimizations draftOptions(const Optimizations& o)
{
    Optimizations d = o;
    d.spec = {};
    d.headPruning = 0;
    d.kvCompression = {};
    d.sparsity = {};
    return d;
}

// Per-op rows of two parts of one phase (the same graph before and past its sliding window), as the
// mean per step over both.
void mergeOps(std::vector<OpCost>& into, const std::vector<OpCost>& a, double na, const std::vector<OpCost>& b, double nb)
{
    const double n = na + nb;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        OpCost c = a[i];
        auto mix = [&](double OpCost::*f) { c.*f = (a[i].*f * na + b[i].*f * nb) / n; };
        for (double OpCost::*f : {&OpCost::flops, &OpCost::bytes, &OpCost::weightBytes, &OpCost::activationBytes,
                                  &OpCost::kvBytes, &OpCost::commBytes, &OpCost::timeS, &OpCost::energyJ})
            mix(f);
        into.push_back(std::move(c));
    }
}

// n decode steps at contexts cFirst .. cLast of `model`. Windowed attention attends min(c, window), so
// the steps past the window are costed on the graph with its window saturated (constant in c).
PhaseCost costDecode(const PhaseCoster& coster, const ModelSpec& model, const OpGraph& g, OpGraph& saturated,
                     double cFirst, double cLast, double n, std::vector<OpCost>* ops)
{
    const int window = model.hasSlidingWindow() ? smallestWindow(g) : 0;
    if (window <= 0 || n <= 0 || cLast < window) return coster.cost(g, cFirst, cLast, n, ops);
    saturateWindows(g, saturated);
    if (cFirst >= window) return coster.cost(saturated, cFirst, cLast, n, ops);
    const double stride = n > 1 ? (cLast - cFirst) / (n - 1) : 1.0;
    const double below = std::min(n, std::ceil((window - cFirst) / stride)); // steps with c < window
    const double above = n - below;
    std::vector<OpCost> opsBelow, opsAbove;
    PhaseCost cost = coster.cost(g, cFirst, cFirst + (below - 1) * stride, below, ops ? &opsBelow : nullptr);
    if (above > 0) {
        cost += coster.cost(saturated, cFirst + below * stride, cLast, above, ops ? &opsAbove : nullptr);
        if (ops) mergeOps(*ops, opsBelow, below, opsAbove, above);
    } else if (ops) {
        ops->insert(ops->end(), opsBelow.begin(), opsBelow.end());
    }
    return cost;
}

} // namespace

void composeRequest(const Design& d, const PhaseCoster& target, const PhaseCosterFactory& otherDevice, Metrics& out,
                    RequestGraphs& g, bool withOps)
{
    const Workload& w = d.workload;
    std::vector<OpCost>* ops = withOps ? &out.ops : nullptr;
    out.ops.clear();
    const SparseSupport sparse{d.hardware.sparse24, d.hardware.sparseUnstructured};
    const int prompt = d.promptTokens();
    // The target's graphs are one microbatch of one expert-parallel group member's sequences.
    const PipelinePlan plan = planPipeline(d);
    const double targetIdleW = target.idlePowerW();

    // Encoder (images), then prefill over text and image tokens.
    buildPrefill(d.model, d.opts, d.parallel, plan.microbatch, prompt, g.prefill, sparse, plan.passSequences);
    out.prefill = pipelined(target.cost(g.prefill, 0, 0, 1, ops), plan, targetIdleW, true);
    out.encoder = {};
    if (w.images > 0 && d.encoder) {
        buildEncoder(*d.encoder, d.opts, d.parallel, w.batch * w.images, d.model.hidden, g.encoder);
        const size_t first = ops ? ops->size() : 0;
        out.encoder = target.cost(g.encoder, 0, 0, 1, ops);
        label(ops, first, "encoder");
        out.prefill += out.encoder;
    }

    // Decode: the first token comes from prefill; steps 2..N attend over what the cache keeps.
    const SpeculativeDecoding& spec = d.opts.spec;
    const double generated = double(w.output) + w.reasoning;
    const double steps = generated - 1; // tokens left to decode
    const double first = d.opts.kvCompression.keptOf(prompt) + 1;
    const bool atContext = w.context > 0;
    auto decode = [&](const OpGraph& graph, double cFirst, double cLast, double n, std::vector<OpCost>* o) {
        return pipelined(costDecode(target, d.model, graph, g.saturated, cFirst, cLast, n, o), plan, targetIdleW, false);
    };
    out.draft = {};
    out.tokensPerStep = 1;
    if (!spec.enabled()) {
        buildDecode(d.model, d.opts, d.parallel, plan.microbatch, g.decode, sparse, 1, plan.passSequences);
        out.decodeTotal = steps > 0 ? decode(g.decode, first, first + steps - 1, steps, atContext ? nullptr : ops)
                                    : PhaseCost{};
        if (atContext || steps <= 0)
            out.decodeStep = decode(g.decode, atContext ? w.context : first, atContext ? w.context : first, 1, ops);
        else
            out.decodeStep = out.decodeTotal.scaled(1.0 / steps);
    } else {
        // Verification steps and draft forwards as the schedule expects them; on average each
        // step advances the context by the tokens it yields.
        const int k = spec.draftLength;
        const SpeculativeDecoding::Schedule sched = spec.schedule(steps);
        const double verifySteps = sched.steps;
        const double E = verifySteps > 0 ? steps / verifySteps : spec.expectedTokensPerStep();
        out.tokensPerStep = E;
        buildDecode(d.model, d.opts, d.parallel, plan.microbatch, g.decode, sparse, spec.verifyTokens(), plan.passSequences);
        const double last = first + E * std::max(0.0, verifySteps - 1);
        PhaseCost verify = verifySteps > 0 ? decode(g.decode, first, last, verifySteps, nullptr) : PhaseCost{};
        Design draftDevice;                // outlives the coster made for it
        std::unique_ptr<PhaseCoster> own;
        const PhaseCoster* draftCoster = &target;
        if (spec.kind == SpecKind::DraftModel) {
            // The draft's forwards from the verification's context onwards (one token each, two
            // when it also takes in the previous step's bonus token); it also prefills the prompt
            // (on its own device when it has one).
            if (d.draftHardware) {
                draftDevice = d;
                draftDevice.hardware = *d.draftHardware;
                draftDevice.parallel = {};
                own = otherDevice(draftDevice);
                draftCoster = own.get();
            }
            const ModelSpec draft = d.draft();
            auto costDraft = [&](const OpGraph& graph, double cFirst, double cLast, double n, std::vector<OpCost>* o) {
                return costDecode(*draftCoster, draft, graph, g.saturated, cFirst, cLast, n, o);
            };
            const Optimizations o = draftOptions(d.opts);
            const Parallelism single; // a draft is small: one device
            buildDecode(draft, o, single, w.batch, g.draftDecode);
            buildDecode(draft, o, single, w.batch, g.draftCatchUp, {}, 2);
            buildPrefill(draft, o, single, w.batch, prompt, g.draftPrefill);
            const double singles = sched.draftForwards - sched.catchUps;
            if (singles > 0)
                out.draft = costDraft(g.draftDecode, first, last + k - 1, singles, nullptr);
            if (sched.catchUps > 0)
                out.draft += costDraft(g.draftCatchUp, first, last, sched.catchUps, nullptr);
            const size_t from = ops ? ops->size() : 0;
            const PhaseCost draftPrefill = draftCoster->cost(g.draftPrefill, 0, 0, 1, ops);
            label(ops, from, "draft prefill");
            if (own) {
                // Each side idles, powered, while the other works.
                const double draftIdleW = own->idlePowerW();
                out.prefill.energyJ += draftIdleW * out.prefill.timeS + targetIdleW * draftPrefill.timeS;
                out.draft.energyJ += targetIdleW * out.draft.timeS;
                verify.energyJ += draftIdleW * verify.timeS;
            }
            out.prefill += draftPrefill;
        }
        out.decodeTotal = verify;
        out.decodeTotal += out.draft;
        // Per output token: one verification step and its k draft steps, over E tokens.
        const double c = atContext ? w.context : (first + last) / 2;
        size_t from = ops ? ops->size() : 0;
        PhaseCost step = decode(g.decode, c, c, 1, ops);
        label(ops, from, "verify");
        if (spec.kind == SpecKind::DraftModel) {
            from = ops ? ops->size() : 0;
            PhaseCost draftSteps = costDecode(*draftCoster, d.draft(), g.draftDecode, g.saturated, c, c + k - 1, k, ops);
            label(ops, from, "draft");
            if (own) {
                step.energyJ += own->idlePowerW() * step.timeS;
                draftSteps.energyJ += targetIdleW * draftSteps.timeS;
            }
            step += draftSteps;
        }
        const double perStep = spec.expectedTokensPerStep();
        out.decodeStep = (atContext || steps <= 0) ? step.scaled(1.0 / perStep) : out.decodeTotal.scaled(1.0 / steps);
    }
    summarisePhases(d, out);
    out.timeToAnswerS = out.ttftS + w.reasoning * out.tpotS;
}

} // namespace llmdse
