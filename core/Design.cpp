#include "core/Design.h"

#include <algorithm>
#include "core/Errors.h"

namespace llmdse {

void Design::validate() const
{
    auto positive = [](int v, const char* field) {
        if (v <= 0) throw InputError("", field, "must be a positive whole number, got " + std::to_string(v));
    };
    positive(workload.batch, "batch");
    positive(workload.prompt, "prompt");
    positive(workload.output, "output");
    if (workload.context < 0) throw InputError("", "context", "must be >= 0");
    positive(parallel.tensor, "tp");
    positive(parallel.pipeline, "pp");
    positive(parallel.expert, "ep");
    if (parallel.tensor > model.heads)
        throw InputError("", "tp", "tensor parallelism " + std::to_string(parallel.tensor) +
                                       " exceeds the model's attention heads (" + std::to_string(model.heads) + ")");
    if (parallel.pipeline > model.layers)
        throw InputError("", "pp", "pipeline parallelism " + std::to_string(parallel.pipeline) +
                                       " exceeds the model's layers (" + std::to_string(model.layers) + ")");
    if (parallel.expert > 1 && parallel.expert > std::max(1, model.experts))
        throw InputError("", "ep", "expert parallelism " + std::to_string(parallel.expert) +
                                       " exceeds the model's experts (" + std::to_string(model.experts) + ")");
    model.validate();
    hardware.validate();
    if (workload.reasoning < 0) throw InputError("", "reasoning", "must be >= 0");
    if (workload.images < 0) throw InputError("", "images", "must be >= 0");
    if (workload.images > 0 && !encoder)
        throw InputError("", "encoder", "images need an image encoder (e.g. clip-vit-l-336)");
    const auto& sp = opts.sparsity;
    if (sp.enabled() && !(sp.density > 0 && sp.density <= 1)) throw InputError("", "sparsity", "density must be in (0, 1]");
    if (!(opts.headPruning >= 0 && opts.headPruning < 1))
        throw InputError("", "head_pruning", "must be a fraction in [0, 1)");
    const auto& kv = opts.kvCompression;
    if (kv.enabled() && (kv.window < 1 || kv.window > kv.budget))
        throw InputError("", "kv_window", "the observation window (" + std::to_string(kv.window) +
                                              ") must be between 1 and the budget (" + std::to_string(kv.budget) + ")");
    const auto& spec = opts.spec;
    if (spec.enabled()) {
        if (spec.draftLength < 1 || spec.draftLength > kMaxDraftLength)
            throw InputError("", "spec.draft_len", "must be between 1 and " + std::to_string(kMaxDraftLength));
        for (int i = 1; i <= spec.draftLength; ++i)
            if (!(spec.acceptedAt(i) >= 0 && spec.acceptedAt(i) <= 1))
                throw InputError("", "spec.acceptance", "acceptance rates must be in [0, 1]");
    }
    if (spec.kind == SpecKind::DraftModel) {
        if (!draftModel && spec.draftLayers <= 0)
            throw InputError("", "spec.draft_model", "draft-model speculation needs a draft (a zoo id, a config.json, or self:N)");
        if (spec.draftLayers > model.layers)
            throw InputError("", "spec.draft_model", "self:" + std::to_string(spec.draftLayers) + " exceeds the target's " +
                                                         std::to_string(model.layers) + " layers");
        if (draftModel && draftModel->vocab != model.vocab)
            throw InputError("", "spec.draft_model", "the draft's vocabulary (" + std::to_string(draftModel->vocab) +
                                                         ") differs from the target's (" + std::to_string(model.vocab) + ")");
    }
}

ModelSpec Design::draft() const
{
    if (draftModel && opts.spec.draftLayers <= 0) return *draftModel;
    ModelSpec m = model;
    m.layers = std::max(1, std::min(opts.spec.draftLayers, model.layers));
    m.id = model.id + "[:" + std::to_string(m.layers) + " layers]";
    return m;
}

int Design::promptTokens() const
{
    return workload.prompt + (encoder ? workload.images * encoder->tokensPerImage : 0);
}

} // namespace llmdse
