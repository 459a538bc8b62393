#include "estimators/RequestComposer.h"
#include "estimators/PhaseSummary.h"

#include <algorithm>

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

} // namespace

void composeRequest(const Design& d, const PhaseCoster& target, const PhaseCosterFactory& otherDevice, Metrics& out,
                    RequestGraphs& g, bool withOps)
{
    const Workload& w = d.workload;
    std::vector<OpCost>* ops = withOps ? &out.ops : nullptr;
    out.ops.clear();
    const SparseSupport sparse{d.hardware.sparse24, d.hardware.sparseUnstructured};
    const int prompt = d.promptTokens();

    // Encoder (images), then prefill over text and image tokens.
    buildPrefill(d.model, d.opts, d.parallel, w.batch, prompt, g.prefill, sparse);
    out.prefill = target.cost(g.prefill, 0, 0, 1, ops);
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
    out.draft = {};
    out.tokensPerStep = 1;
    if (!spec.enabled()) {
        buildDecode(d.model, d.opts, d.parallel, w.batch, g.decode, sparse);
        out.decodeTotal = steps > 0 ? target.cost(g.decode, first, first + steps - 1, steps, atContext ? nullptr : ops)
                                    : PhaseCost{};
        if (atContext || steps <= 0)
            out.decodeStep = target.cost(g.decode, atContext ? w.context : first, atContext ? w.context : first, 1, ops);
        else
            out.decodeStep = out.decodeTotal.scaled(1.0 / steps);
    } else {
        // Verification steps and draft forwards as the schedule expects them; on average each
        // step advances the context by the tokens it yields.
        const int k = spec.draftLength;
        const SpeculativeDecoding::Schedule plan = spec.schedule(steps);
        const double verifySteps = plan.steps;
        const double E = verifySteps > 0 ? steps / verifySteps : spec.expectedTokensPerStep();
        out.tokensPerStep = E;
        buildDecode(d.model, d.opts, d.parallel, w.batch, g.decode, sparse, spec.verifyTokens());
        const double last = first + E * std::max(0.0, verifySteps - 1);
        PhaseCost verify = verifySteps > 0 ? target.cost(g.decode, first, last, verifySteps, nullptr) : PhaseCost{};
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
            const Optimizations o = draftOptions(d.opts);
            const Parallelism single; // a draft is small: one device
            buildDecode(draft, o, single, w.batch, g.draftDecode);
            buildDecode(draft, o, single, w.batch, g.draftCatchUp, {}, 2);
            buildPrefill(draft, o, single, w.batch, prompt, g.draftPrefill);
            const double singles = plan.draftForwards - plan.catchUps;
            if (singles > 0) out.draft = draftCoster->cost(g.draftDecode, first, last + k - 1, singles, nullptr);
            if (plan.catchUps > 0) out.draft += draftCoster->cost(g.draftCatchUp, first, last, plan.catchUps, nullptr);
            const size_t from = ops ? ops->size() : 0;
            out.prefill += draftCoster->cost(g.draftPrefill, 0, 0, 1, ops);
            label(ops, from, "draft prefill");
        }
        out.decodeTotal = verify;
        out.decodeTotal += out.draft;
        // Per output token: one verification step and its k draft steps, over E tokens.
        const double c = atContext ? w.context : (first + last) / 2;
        size_t from = ops ? ops->size() : 0;
        PhaseCost step = target.cost(g.decode, c, c, 1, ops);
        label(ops, from, "verify");
        if (spec.kind == SpecKind::DraftModel) {
            from = ops ? ops->size() : 0;
            step += draftCoster->cost(g.draftDecode, c, c + k - 1, k, ops);
            label(ops, from, "draft");
        }
        const double perStep = spec.expectedTokensPerStep();
        out.decodeStep = (atContext || steps <= 0) ? step.scaled(1.0 / perStep) : out.decodeTotal.scaled(1.0 / steps);
    }
    summarisePhases(d, out);
    out.timeToAnswerS = out.ttftS + w.reasoning * out.tpotS;
}

} // namespace llmdse
