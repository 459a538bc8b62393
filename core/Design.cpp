#include "core/Design.h"

#include <algorithm>
#include "core/Errors.h"

namespace llmdse {

namespace {

// The design key (`--set model.hidden=...`) of each config.json field ModelSpec::validate names:
// once a model is in a design, only an edit of the design can have made it invalid.
std::string designKeyOf(const std::string& configField)
{
    static const std::pair<const char*, const char*> keys[] = {
        {"hidden_size", "model.hidden"},
        {"num_hidden_layers", "model.layers"},
        {"num_attention_heads", "model.heads"},
        {"num_key_value_heads", "model.kv_heads"},
        {"head_dim", "model.head_dim"},
        {"intermediate_size", "model.intermediate"},
        {"vocab_size", "model.vocab"},
        {"num_experts", "model.experts"},
        {"num_experts_per_tok", "model.experts_per_token"},
        {"moe_intermediate_size", "model.expert_intermediate"},
        {"shared_experts", "model.shared_experts"},
        {"shared_expert_intermediate_size", "model.shared_expert_intermediate"},
        {"max_window_layers", "model.sliding_window"}};
    for (const auto& [config, key] : keys)
        if (configField == config) return key;
    return "model." + configField;
}

} // namespace

void Design::validate() const
{
    auto within = [](int v, const char* field, int minimum, int maximum) {
        if (v < minimum)
            throw InputError("", field, "must be " + std::string(minimum == 0 ? ">= 0" : "a positive whole number") +
                                            ", got " + std::to_string(v));
        if (v > maximum) throw InputError("", field, std::to_string(v) + " exceeds the bound of " + std::to_string(maximum));
    };
    try {
        model.validate();
    } catch (const InputError& e) {
        if (!e.file().empty()) throw;
        throw InputError("", designKeyOf(e.field()), e.reason());
    }
    within(workload.batch, "batch", 1, kMaxBatch);
    within(workload.prompt, "prompt", 1, kMaxTokens);
    within(workload.output, "output", 1, kMaxTokens);
    within(workload.context, "context", 0, kMaxTokens);
    within(workload.reasoning, "reasoning", 0, kMaxTokens);
    within(workload.images, "images", 0, kMaxImages);
    within(parallel.tensor, "tp", 1, kMaxDevices);
    within(parallel.pipeline, "pp", 1, kMaxDevices);
    within(parallel.expert, "ep", 1, kMaxDevices);
    const TensorGrid grid = tensorGrid(parallel, model.hidden, model.intermediate);
    if (parallel.layout != TensorLayout::OneD && model.isMoe() && parallel.tensor > 1)
        throw InputError("", "tp_layout", std::string("the ") + toString(parallel.layout) +
                                              " layout is for dense models; a mixture of experts needs tp_layout 1d");
    if (grid.y > model.heads)
        throw InputError("", "tp", "tensor parallelism " + std::to_string(parallel.tensor) +
                                       (parallel.layout == TensorLayout::TwoD ? " splits heads " + std::to_string(grid.y) + " ways, more than"
                                                                              : " exceeds") +
                                       " the model's attention heads (" + std::to_string(model.heads) + ")" +
                                       (parallel.layout == TensorLayout::OneD ? "; tp_layout 2d splits heads over fewer devices" : ""));
    if (parallel.pipeline > model.layers)
        throw InputError("", "pp", "pipeline parallelism " + std::to_string(parallel.pipeline) +
                                       " exceeds the model's layers (" + std::to_string(model.layers) + ")");
    if (parallel.expert > 1 && parallel.expert > std::max(1, model.experts))
        throw InputError("", "ep", "expert parallelism " + std::to_string(parallel.expert) +
                                       " exceeds the model's experts (" + std::to_string(model.experts) + ")");
    hardware.validate();
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
        if (spec.treeNodes < 0 || spec.treeNodes > kMaxTreeNodes)
            throw InputError("", "spec.tree_nodes", "must be between 0 and " + std::to_string(kMaxTreeNodes));
        if (spec.treeNodes > 0 && spec.treeNodes < spec.draftLength)
            throw InputError("", "spec.tree_nodes", "a tree of depth " + std::to_string(spec.draftLength) +
                                                        " needs at least that many nodes, got " + std::to_string(spec.treeNodes));
        if (spec.treeNodes > 0 && spec.kind != SpecKind::Medusa)
            throw InputError("", "spec.tree_nodes", "candidate trees are modelled for Medusa only");
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
