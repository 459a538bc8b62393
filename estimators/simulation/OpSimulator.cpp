#include "estimators/simulation/OpSimulator.h"
#include "estimators/analytical/OpTiming.h"
#include "estimators/simulation/MatmulSimulator.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace llmdse {

OpSimulator::OpSimulator(const Design& d) : design_(d), rates_(*d.hardware.accel), kernelS_(kernelFixedS(d))
{
    if (d.hardware.accel->pim) {
        pimBw_ = d.hardware.pimInternalBandwidthBytesPerS;
        pimFlops_ = d.hardware.pimComputeFlops;
    }
}

double OpSimulator::fixedSeconds(const Op& op) const
{
    return kernelLaunches(op, design_.runtime) * kernelS_;
}

OpSim OpSimulator::simulate(const Op& op, Phase phase, double context) const
{
    OpSim o = work(op, phase, context);
    if (const double fixed = fixedSeconds(op); fixed > 0) {
        // Dispatch does not overlap the work it starts.
        if (fixed > o.seconds && op.cls != OpClass::Communication) o.bound = Bound::Overhead;
        o.seconds += fixed;
        o.cycles += fixed * rates_.hz;
        char buf[48];
        std::snprintf(buf, sizeof buf, " + %.3g us fixed", fixed * 1e6);
        o.mapping += buf;
    }
    return o;
}

OpSim OpSimulator::work(const Op& op, Phase phase, double context) const
{
    switch (op.cls) {
    case OpClass::Matmul: return matmul(op, phase);
    case OpClass::Attention: return attention(op, phase, context);
    case OpClass::Communication: return communication(op, phase);
    default: return vector(op, context);
    }
}

void OpSimulator::preferPim(OpSim& host, double bankBytes, double flops, double otherBytes) const
{
    if (pimBw_ <= 0) return;
    const double t = std::max({bankBytes / pimBw_, flops / pimFlops_, otherBytes / (rates_.dramPerCycle * rates_.hz)});
    if (t >= host.seconds) return;
    OpSim p;
    p.seconds = t;
    p.cycles = t * rates_.hz;
    p.pimBytes = bankBytes;
    p.dramBytes = otherBytes;
    p.macs = host.macs;
    p.bound = bankBytes / pimBw_ >= flops / pimFlops_ ? Bound::Memory : Bound::Compute;
    p.mapping = "pim near-bank";
    host = p;
}

OpSim OpSimulator::matmul(const Op& op, Phase phase) const
{
    MatmulShape s;
    s.n = double(op.n);
    s.k = double(op.k);
    s.instances = std::max(1.0, op.weightElements / (s.n * s.k));
    s.m = std::max<double>(1.0, double(op.m));
    const double rows = s.m * s.instances;
    s.aBytes = op.actBytes.x0 / (rows * (s.n + s.k));
    s.oBytes = s.aBytes;
    s.bBytes = op.weightBytes / (s.instances * s.n * s.k);
    s.precision = op.precision;
    s.aOnChip = fitsOnChip(rows * s.k * s.aBytes);
    s.oOnChip = fitsOnChip(rows * s.n * s.oBytes);
    OpSim o = simulateMatmul(s, rates_);
    if (phase == Phase::Decode) {
        const double act = (s.aOnChip ? 0 : rows * s.k * s.aBytes) + (s.oOnChip ? 0 : rows * s.n * s.oBytes);
        preferPim(o, op.weightBytes, op.flops.x0, act);
    }
    o.vectorOps += op.dequantFlops / 2; // unpacking integer weights beside the array
    return o;
}

OpSim OpSimulator::attention(const Op& op, Phase phase, double context) const
{
    const bool decode = phase == Phase::Decode;
    const double B = std::max(1, op.attnBatch), kvH = std::max(1, op.attnKvHeads);
    const double H = double(op.n), hd = double(op.k), tokens = double(op.m);
    const double Sq = tokens / B;              // query tokens per sequence
    const double W = op.window > 0 ? op.window : 0; // sliding window (0: none)
    // Keys attended: the cached context (at most the window), or the prompt.
    const double L = decode ? (W > 0 ? std::min(context, W) : context) : Sq;
    const double g = H / kvH;                  // query heads per KV head (GQA)
    const double kvB = decode ? (op.kvBytes.x1 + op.kvBytes.x0 / std::max(1.0, L)) / (2 * B * kvH * hd)
                              : op.kvBytes.x0 / (2 * B * kvH * hd * Sq);
    const double actB = op.actBytes.x0 / (2 * tokens * H * hd);
    // Share of the Sq x L score square a causal prompt computes; with a window each query sees at most W keys.
    const double pairs = W > 0 && Sq > W ? W * (W + 1) / 2 + (Sq - W) * W : Sq * (Sq + 1) / 2;
    const double causal = decode ? 1.0 : pairs / (Sq * Sq);
    auto named = [&](const char* prefix) { return std::strncmp(op.name, prefix, std::strlen(prefix)) == 0; };
    const bool fused = named("attn.flash");
    const bool scoresOnChip = fused || fitsOnChip(B * H * Sq * L * actB);

    MatmulShape qk;
    qk.instances = B * kvH;
    qk.m = g * Sq;
    qk.k = hd;
    qk.n = L;
    qk.aBytes = actB;
    qk.bBytes = kvB;
    qk.oBytes = actB;
    qk.precision = op.precision;
    qk.causal = causal;
    qk.aOnChip = fitsOnChip(tokens * H * hd * actB);
    qk.oOnChip = scoresOnChip;
    MatmulShape pv = qk;
    pv.k = L;
    pv.n = hd;
    pv.aOnChip = scoresOnChip;
    pv.oOnChip = qk.aOnChip;

    OpSim o;
    std::string mapping;
    auto add = [&](const MatmulShape& s, const char* what) {
        const OpSim part = simulateMatmul(s, rates_);
        o += part;
        o.bound = part.bound;
        mapping += (mapping.empty() ? "" : "; ") + std::string(what) + " " + part.mapping;
    };
    if (fused || named("attn.scores")) add(qk, "QK");
    if (fused || named("attn.context")) add(pv, "PV");
    o.mapping = mapping;
    if (fused) {
        // Online softmax on the vector unit, overlapped with the array's next block.
        const double ops = 5.0 * B * H * Sq * L * causal;
        const double vcycles = ops / (rates_.lanes * rates_.cores);
        o.vectorOps += ops;
        o.cycles = std::max(o.cycles, vcycles);
        o.computeCycles = std::max(o.computeCycles, vcycles);
        o.seconds = o.cycles / rates_.hz;
        o.mapping = "flash: " + o.mapping;
    }
    if (decode) preferPim(o, op.kvBytes.at(L), op.flops.at(L), 0);
    return o;
}

OpSim OpSimulator::vector(const Op& op, double context) const
{
    OpSim o;
    const double ops = op.flops.at(context);
    const double act = op.actBytes.at(context) * design_.runtime.impl(op.cls).trafficFactor;
    double dram = op.kvBytes.at(context) + op.weightBytes, onchip = 0;
    if (op.cls == OpClass::Embedding) dram += act / 2, onchip += act / 2; // rows gathered from the table in DRAM
    else if (fitsOnChip(act)) onchip += act;
    else dram += act;
    const double cv = ops / (rates_.lanes * rates_.cores);
    const double cd = dram / rates_.dramPerCycle;
    const double cg = onchip / rates_.globalPerCycle;
    o.cycles = std::max({cv, cd, cg});
    o.computeCycles = cv;
    o.seconds = o.cycles / rates_.hz;
    o.vectorOps = ops;
    o.dramBytes = dram;
    o.globalBytes = onchip;
    o.localBytes = onchip + dram; // everything the lanes touch passes through the local SRAM
    o.bound = cv >= std::max(cd, cg) ? Bound::Compute : Bound::Memory;
    o.mapping = "vector";
    return o;
}

OpSim OpSimulator::communication(const Op& op, Phase phase) const
{
    const OpTime t = timeOp(op, TargetRates(design_, phase));
    OpSim o;
    o.seconds = t.communication;
    o.cycles = o.seconds * rates_.hz;
    o.bound = Bound::Communication;
    o.mapping = "link";
    return o;
}

} // namespace llmdse
