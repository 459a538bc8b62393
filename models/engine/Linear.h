#pragma once
// y = x W^T + b with W stored as fp32, fp16 or bf16, or as int8 / int4 with one fp16
// scale per group of input columns. Half-precision weights are widened in registers;
// integer weights meet activations quantised per block of 32 in integer dot products
// when the group is a multiple of 32 (otherwise they are dequantised inside fp32 dot
// products). No full fp32 copy is ever materialised. Output features are split across
// oneTBB workers.
#include "core/Precision.h"

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace llmdse {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

class Linear {
public:
    Linear() = default;
    Linear(RowMatrix w, Eigen::VectorXf bias = {});

    // Replaces the fp32 weights by fp16, bf16 or a symmetric group-wise integer format.
    void quantize(const QuantFormat& q);

    // x: rows x in -> y: rows x out.
    void apply(const RowMatrix& x, RowMatrix& y) const;

    int in() const { return in_; }
    int out() const { return out_; }
    bool hasBias() const { return bias_.size() > 0; }
    Precision precision() const { return format_.precision; }
    double weightBytes() const; // bytes streamed per application (values + scales + bias)
    const RowMatrix& dense() const { return w_; }
    const Eigen::VectorXf& bias() const { return bias_; }

private:
    void dequantizeRows(int r0, int n, float* out) const; // n rows x in, fp32
    float dotRow(int r, const float* x) const;              // int8 / int4 row r (row-major groups) . x
    bool integerProducts() const;                           // int8 / int4 in whole activation blocks
    void applyInteger(const RowMatrix& x, RowMatrix& y) const;
    int in_ = 0, out_ = 0;
    QuantFormat format_{Precision::FP32, 0};
    RowMatrix w_;                    // fp32
    std::vector<std::int8_t> q8_;    // int8: kernels::packInt8's layout in whole 32-blocks, else row-major
    std::vector<std::uint8_t> q4_;   // int4: kernels::packInt4's layout in whole 32-blocks, else row-major, low nibble first
    std::vector<std::uint16_t> packedScales_; // fp16 block scales in packInt8's / packInt4's layout
    std::vector<std::uint16_t> h16_; // fp16 or bf16, row-major
    std::vector<std::uint16_t> scales_; // fp16, rows x groups
    int groups_ = 0;
    Eigen::VectorXf bias_;
};

std::uint16_t floatToHalf(float f);
// Stacks fp32 projections that share an input (rows of the first, then the next ...).
Linear stackRows(const std::vector<Linear>& parts);

} // namespace llmdse
