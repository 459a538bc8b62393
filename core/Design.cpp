#include "core/Design.h"
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
}

} // namespace llmdse
