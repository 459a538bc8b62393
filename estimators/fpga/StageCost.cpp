#include "estimators/fpga/StageCost.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmdse {

namespace {

// A BRAM36 port is 72 bits wide and dual-ported: four 16-bit operands per port, two ports.
constexpr double kOperandsPerBram = 8;
// Each port's read FIFO holds two 4 KiB bursts (the AXI burst boundary), so one refills while one drains.
constexpr double kFifoBytesPerPort = 8192;
constexpr double kActivationBytes = 2; // fp16 vectors between stages

} // namespace

int reductionUnroll(const StageWork& w, int lanes) { return std::max(1, std::min(lanes, std::max(1, w.reductionWidth))); }

int usefulLanes(const StageWork& w)
{
    return int(std::min<double>(std::numeric_limits<int>::max() / 2, std::max(1.0, std::ceil(w.macs))));
}

double stageBufferBytes(const FpgaTarget&, const StageWork& w, int channels)
{
    // Double-buffered input and output vectors, the attention's scores, and the port FIFOs.
    const double vectors = 2.0 * kActivationBytes * (w.inputWidth + w.outputWidth);
    const double scores = w.name == "attention" ? 4.0 * w.macs / std::max(1, w.inputWidth) : 0;
    return vectors + scores + channels * kFifoBytesPerPort;
}

FpgaResources stageResources(const FpgaTarget& t, const StageWork& w, int lanes, int channels, int vectorLanes)
{
    FpgaResources r;
    r.dsp = lanes * t.dspPerLane(w.datapath) + vectorLanes * t.dspPerLane(Precision::FP32);
    // Integer weights are unpacked beside the DSPs (the fabric kernel): one unpacking lane per
    // weight the ports deliver per clock.
    const double weightsPerByte = w.datapath == Precision::INT8 && w.weightBytes > 0 && w.name != "attention" ? 2.0 : 0.0;
    const double dequantLanes = channels * t.portBytesPerCycle * weightsPerByte;
    r.lut = lanes * t.lutPerLane(w.datapath) + vectorLanes * t.lutPerLane(Precision::FP32) + t.lutPerStage +
            dequantLanes * t.lutPerDequantLane;
    // Capacity, or the ports the partitioned input vector needs, whichever asks for more blocks;
    // buffers larger than a URAM go to URAM.
    const double bytes = stageBufferBytes(t, w, channels);
    const double portBlocks = std::ceil(reductionUnroll(w, lanes) / kOperandsPerBram);
    const double fifoBlocks = channels * kFifoBytesPerPort / t.bramBytes;
    const double rest = bytes - channels * kFifoBytesPerPort;
    if (rest > 4 * t.uramBytes && t.part.uram > 0) {
        r.uram = std::ceil(rest / t.uramBytes);
        r.bram36 = fifoBlocks + portBlocks;
    } else {
        r.bram36 = fifoBlocks + std::max(std::ceil(rest / t.bramBytes), portBlocks);
    }
    return r;
}

double stageComputeCycles(const StageWork& w, int lanes, int vectorLanes, int batch)
{
    return batch * (w.macs / lanes + w.vectorElements / vectorLanes);
}

double stageMemoryCycles(const FpgaTarget& t, const StageWork& w, int channels, int batch)
{
    const double bytes = w.weightBytes + batch * (w.streamBytes - w.weightBytes); // weights once per batch
    return bytes / (channels * t.portBytesPerCycle);
}

FpgaStage makeStage(const FpgaTarget& t, const StageWork& w, int lanes, int channels, int vectorLanes)
{
    FpgaStage s;
    s.work = w;
    s.lanes = lanes;
    s.channels = channels;
    s.resources = stageResources(t, w, lanes, channels, vectorLanes);
    s.bufferBytes = stageBufferBytes(t, w, channels);
    s.computeCycles = stageComputeCycles(w, lanes, vectorLanes);
    s.memoryCycles = stageMemoryCycles(t, w, channels);
    s.iiCycles = std::max(s.computeCycles, s.memoryCycles);
    return s;
}

} // namespace llmdse
