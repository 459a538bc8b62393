#include "estimators/analytical/OpTiming.h"
#include "core/Statistics.h"

#include <algorithm>

namespace llmdse {

namespace {
constexpr double kFallbackLinkBw = 25e9; // PCIe-class when a preset names no interconnect
}

TargetRates::TargetRates(const Design& d, Phase phase)
{
    const auto& hw = d.hardware;
    const auto& rt = d.runtime;
    runtime = &rt;
    decode = phase == Phase::Decode;
    // A CPU running fewer threads than it has cores reaches that share of its compute peaks.
    const double share = hw.computeShare();
    for (int i = 0; i < kPrecisionCount; ++i) {
        auto p = static_cast<Precision>(i);
        executed[i] = hw.executedPrecision(p);
        const double peak = hw.peakFlops[int(executed[i])]; // HardwareSpec::peakFor without a second search
        matrixPeak[i] = std::max((peak > 0 ? peak : hw.vectorFlops) * share, 1.0);
    }
    vector = std::max((hw.vectorFlops > 0 ? hw.vectorFlops : hw.peakFor(Precision::FP32)) * share, 1.0) * rt.vectorEfficiency;
    memoryBw = hw.streamBandwidthBytesPerS();
    streamBw = memoryBw * rt.bandwidthEfficiency;
    elementwiseBw = memoryBw * rt.elementwiseEfficiency;
    if (hw.isPim()) {
        pimBw = hw.pimInternalBandwidthBytesPerS * (hw.pimSustainedFraction > 0 ? hw.pimSustainedFraction : rt.bandwidthEfficiency);
        pimFlops = hw.pimComputeFlops;
    }
    link.bandwidthBytesPerS = d.parallel.linkBandwidthBytesPerS > 0 ? d.parallel.linkBandwidthBytesPerS
                              : hw.interconnect.bandwidthBytesPerS > 0 ? hw.interconnect.bandwidthBytesPerS
                                                                       : kFallbackLinkBw;
    link.latencyS = d.parallel.linkLatencyS >= 0 ? d.parallel.linkLatencyS : hw.interconnect.latencyS;
    link.peerAccess = hw.interconnect.peerAccess;
    link.switchReduction = hw.interconnect.switchReduction;
    link.topology = hw.interconnect.topology;
    link.torusDims = hw.interconnect.torusDims;
    expertDevices = std::max(1, d.parallel.expert);
    kernelS = kernelFixedS(d);
    passS = passFixedS(d);
}

double kernelFixedS(const Design& d)
{
    const auto& t = d.hardware.accel;
    return t && t->fixed.kernelS > 0 ? t->fixed.kernelS : d.runtime.kernelOverheadS;
}

double passFixedS(const Design& d)
{
    const auto& t = d.hardware.accel;
    // The ranks that meet in every layer's collectives (a pipeline stage's tensor- and expert-parallel group).
    const int ranks = std::max(1, d.parallel.tensor) * std::max(1, d.parallel.expert);
    return d.runtime.stepOverheadS + d.runtime.rankSkewS * expectedMaxStandardNormal(ranks)
           + (t ? t->fixed.layerS * d.model.layers : 0.0);
}

int kernelLaunches(const Op& op, const RuntimeProfile& rt)
{
    return rt.impl(op.cls).kernels * (rt.separateProjections && op.cls == OpClass::Matmul ? op.projections : 1);
}

double OpTime::at(double c) const
{
    return std::max(compute.at(c), memory.at(c)) + overhead + communication + serial;
}

OpTime timeOp(const Op& op, const TargetRates& r)
{
    const RuntimeProfile& rt = *r.runtime;
    const OpImplementation& impl = rt.impl(op.cls);
    OpTime t;
    t.precision = r.executed[int(op.precision)];
    const int launches = kernelLaunches(op, rt);
    t.overhead = launches * r.kernelS;
    t.launches = launches;
    if (op.cls == OpClass::Matmul && op.m > 1 && impl.kernels > 0) {
        t.overhead += rt.gemmSetupS;
        if (rt.gemmPackWeightsPerS > 0) t.overhead += op.weightElements / rt.gemmPackWeightsPerS;
    }

    // Routed work waits for the busiest expert-parallel device: random routing's spread times the
    // profile's systematic skew. One device running every expert does the same total work either way.
    const double imbalance = op.routed && r.expertDevices > 1 ? rt.moeImbalance * op.imbalance : 1.0;
    if (op.cls == OpClass::Communication) {
        t.communication =
            collectiveCost(rt.collectives, r.link, op.collective, op.commBytes * imbalance, op.commParticipants).seconds;
        return t;
    }

    const bool matrix = op.cls == OpClass::Matmul || op.cls == OpClass::Attention;
    const WeightFormatKernel* wk = nullptr;
    if (op.cls == OpClass::Matmul && rt.weightKernels[int(op.weightPrecision)].set) wk = &rt.weightKernels[int(op.weightPrecision)];
    const bool convert = wk && wk->kind == WeightKernel::ConvertActivations;
    // Weight-streaming GEMV and decode attention run beside the DRAM banks on PIM.
    const bool nearMemory = r.pimBw > 0 && r.decode && matrix;
    t.nearMemory = nearMemory;
    double flopRate;
    if (nearMemory && r.pimFlops > 0) {
        flopRate = r.pimFlops;
    } else if (matrix) {
        double eff = op.cls == OpClass::Matmul ? rt.gemmEfficiency : rt.attentionEfficiency;
        if (wk && wk->gemmEfficiency > 0) eff = wk->gemmEfficiency;
        if (op.sparse24) eff *= rt.sparseGemmEfficiency;
        if (op.cls == OpClass::Matmul && rt.gemmHalfTokens > 0) {
            double m = std::max<double>(1.0, double(op.m));
            eff *= m / (m + rt.gemmHalfTokens);
        }
        // The reference engine's and converted-activation kernels run at the weight format's own rate.
        const bool weightRate = op.cls == OpClass::Matmul && (rt.weightFormatKernels || convert);
        flopRate = r.matrixPeak[int(weightRate ? op.weightPrecision : op.precision)] * eff;
    } else {
        flopRate = r.vector / impl.computeFactor;
    }
    const bool unpacksOnVector = !rt.weightFormatKernels && !(wk && wk->kind != WeightKernel::Dequantize);
    const double dequant = unpacksOnVector ? op.dequantFlops / r.vector : 0.0;
    if (op.cls == OpClass::Matmul && !nearMemory) {
        const double inputs = double(std::max<std::int64_t>(1, op.m)) * double(op.k); // GEMM input elements
        const double actB = bytesPerElement(op.precision);
        if (convert && op.weightPrecision != op.precision) {
            // Each input row read once and written in the weight format's blocks (values + one fp16 scale per 32).
            const double outB = bytesPerElement(op.weightPrecision) + (isInteger(op.weightPrecision) ? 2.0 / 32.0 : 0.0);
            t.serial += inputs * (actB + outB) / r.elementwiseBw;
        }
        if (rt.activationQuantization == ActivationQuantization::Eager && actB == 1.0 && !convert)
            // W8A8 / FP8 without fusion: the 16-bit input is read for its amax, then read and cast to 8 bits.
            t.serial += inputs * (2.0 + 2.0 + 1.0) / r.elementwiseBw;
    }
    t.compute.x0 = op.flops.x0 / flopRate * imbalance + dequant;
    if (op.cls == OpClass::Matmul && op.m <= 1 && op.weightGroup > 0 && !nearMemory)
        t.compute.x0 += op.weightElements * imbalance *
                        (rt.gemvUnpackSPerWeight[int(op.weightPrecision)] + rt.gemvUnpackSPerGroup / op.weightGroup);
    t.compute.x1 = op.flops.x1 / flopRate * imbalance;

    const double bw = nearMemory ? r.pimBw : (matrix || op.cls == OpClass::KvWrite ? r.streamBw : r.elementwiseBw);
    // A weight format's kernels may stream their weights faster or slower than the profile's GEMV.
    const double weightBw = !nearMemory && wk && wk->bandwidthEfficiency > 0 ? r.memoryBw * wk->bandwidthEfficiency : bw;
    const double act = impl.trafficFactor;
    t.memory.x0 = op.weightBytes / weightBw + (op.actBytes.x0 * act + op.kvBytes.x0) / bw;
    t.memory.x1 = (op.actBytes.x1 * act + op.kvBytes.x1) / bw;
    return t;
}

} // namespace llmdse
