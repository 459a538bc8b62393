#include "core/RuntimeProfile.h"

namespace llmdse {

const char* toString(OpClass c)
{
    switch (c) {
    case OpClass::Embedding: return "embedding";
    case OpClass::Norm: return "norm";
    case OpClass::Matmul: return "matmul";
    case OpClass::Rope: return "rope";
    case OpClass::KvWrite: return "kv_write";
    case OpClass::Attention: return "attention";
    case OpClass::Softmax: return "softmax";
    case OpClass::Activation: return "activation";
    case OpClass::Residual: return "residual";
    case OpClass::Router: return "router";
    case OpClass::Communication: return "communication";
    }
    return "matmul";
}

} // namespace llmdse

namespace llmdse {

const char* toString(WeightKernel k)
{
    switch (k) {
    case WeightKernel::Dequantize: return "dequantize";
    case WeightKernel::ConvertActivations: return "convert_activations";
    case WeightKernel::Fabric: return "fabric";
    }
    return "dequantize";
}

} // namespace llmdse

namespace llmdse {

const char* toString(Preemption p)
{
    switch (p) {
    case Preemption::Recompute: return "recompute";
    case Preemption::Swap: return "swap";
    case Preemption::Reserve: return "reserve";
    }
    return "recompute";
}

const char* toString(AdmissionOrder a)
{
    return a == AdmissionOrder::ShortestPromptFirst ? "shortest_prompt_first" : "fcfs";
}

} // namespace llmdse
