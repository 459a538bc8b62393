#pragma once

namespace llmdse {

// How tensor parallelism splits a layer. 1D (Megatron): heads and the MLP width over all tp devices,
// the hidden vector whole on every device, one all-reduce after each block. 2D (the 2D
// weight-stationary layout of Pope et al., "Efficiently Scaling Transformer Inference", 2022): every
// weight matrix split along the hidden dimension over x devices and along heads / MLP width over y,
// attention sharded by sequence over x; each block all-gathers and reduce-scatters along both axes,
// moving about 1/sqrt(tp) of what 1D moves, and tp is no longer capped at the head count.
// Weight-gathered (Pope et al. 3.2.3, "XYZ-weight-gathered"): every device stores 1/tp of each weight
// matrix but all-gathers the whole matrix before using it, and computes its own 1/tp of the sequences
// with it; activations never move. The traffic is the weights, whatever the batch, so it pays off
// only when a pass carries very many tokens (prefill of large batches).
enum class TensorLayout : unsigned char { OneD, TwoD, WeightGathered };
const char* toString(TensorLayout l);

struct Parallelism {
    int tensor = 1;
    int pipeline = 1;
    int expert = 1;
    TensorLayout layout = TensorLayout::OneD;
    double linkBandwidthBytesPerS = 0; // 0: the hardware's interconnect
    double linkLatencyS = -1;          // < 0: the hardware's interconnect

    int devices() const { return tensor * pipeline * expert; }
};

// The tensor-parallel devices as x (hidden dimension, sequences in attention) by y (heads, MLP width).
// 1D: 1 x tp. Weight-gathered: 1 x 1 (each device computes with whole matrices). 2D: x the divisor of tp nearest sqrt(tp x hidden / intermediate), which balances the
// traffic of the two axes (hidden / x against MLP width / y).
struct TensorGrid {
    int x = 1, y = 1;
};
TensorGrid tensorGrid(const Parallelism& p, int hidden, int intermediate);

// How attention is split over the tensor-parallel devices: heads over `heads` of them, sequences over
// `batch`. 1D: heads over all tp (fewer KV heads than devices are replicated). Weight-gathered: sequences
// over all tp, every head on each. 2D (Pope et al. 3.3):
// heads over as many of the y devices as there are KV heads to split, sequences over x and the rest of
// y, so multi-query attention is sharded by batch over all tp devices and each caches only its sequences.
struct AttentionShards {
    int heads = 1, batch = 1;
};
AttentionShards attentionShards(const Parallelism& p, const TensorGrid& g, int kvHeads);

} // namespace llmdse
