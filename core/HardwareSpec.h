#pragma once
// A hardware target: one device (GPU, CPU socket, FPGA card, ASIC chip, PIM system).
#include "core/AcceleratorTemplate.h"
#include "core/Collective.h"
#include "core/Precision.h"

#include <array>
#include <string>
#include <vector>

namespace llmdse {

enum class HardwareClass : unsigned char { CPU, GPU, FPGA, ASIC, PIM };
const char* toString(HardwareClass c);
HardwareClass parseHardwareClass(const std::string& s, const std::string& field);

struct MemoryLevel {
    std::string name;          // "HBM3"
    std::string kind;          // hbm3, ddr5, sram, ...
    double capacityBytes = 0;
    double bandwidthBytesPerS = 0;
    double energyPjPerBit = 0;
};

struct Interconnect {
    std::string name;
    double bandwidthBytesPerS = 0; // per direction, per device, all its links together
    double latencyS = 0;           // per message (one step, one hop of a collective)
    Topology topology = Topology::Switch;
    std::array<int, kMaxTorusDims> torusDims{}; // torus: devices along each dimension (0: unused)
    bool peerAccess = false;       // every device can load/store into every other's memory (NVSwitch, full mesh)
    bool switchReduction = false;  // the switch reduces in the network (NVLink SHARP)
};

struct HardwareSpec {
    std::string id;
    std::string name;
    HardwareClass cls = HardwareClass::GPU;
    std::string vendor;
    double processNm = 7;
    double clockGhz = 1.0;
    // Dense matrix-engine peak per precision in FLOP/s; 0 = not native.
    std::array<double, kPrecisionCount> peakFlops{};
    double vectorFlops = 0;        // non-matrix throughput (elementwise, softmax, dequantisation)
    std::vector<MemoryLevel> memory; // [0] holds weights and KV cache
    double sramBytes = 0;
    double sramBandwidthBytesPerS = 0;
    double sramEnergyPjPerBit = 0.5;
    double tdpW = 0;
    double idleW = 0;
    Interconnect interconnect;
    // Processing in memory: near-bank compute sees internalBandwidth for weight-streaming ops.
    double pimInternalBandwidthBytesPerS = 0;
    double pimComputeFlops = 0;
    double pimEnergyPjPerBit = 0;  // near-bank access energy (no off-chip I/O)
    // Sparse weights the matrix units can skip: 2:4 structured (twice the dense rate on half
    // the weights), and unstructured at any density.
    bool sparse24 = false;
    bool sparseUnstructured = false;
    // CPUs: the cores the peaks above are for, and how many threads the runtime runs (0: one per
    // core). Compute scales with the threads' share of the cores; a single core streams at most
    // perCoreBandwidth (0: unknown, the memory's bandwidth is reached by any thread count).
    int cpuCores = 0;
    int threads = 0;
    double perCoreBandwidthBytesPerS = 0;
    double computeShare() const;         // fraction of the peaks the threads reach (1 unless a CPU with threads set)
    double streamBandwidthBytesPerS() const; // main memory as the threads can stream it
    // Set for a custom accelerator: the fields above are then derived from it (deriveFromTemplate).
    std::optional<AcceleratorTemplate> accel;
    std::string source;
    std::string notes;

    // Peak for `p`, falling back to the next wider native format (int4 -> int8 -> fp16 ...).
    double peakFor(Precision p) const;
    // The precision that actually runs when `p` is asked for.
    Precision executedPrecision(Precision p) const;
    const MemoryLevel& mainMemory() const { return memory.front(); }
    bool isPim() const { return pimInternalBandwidthBytesPerS > 0; }

    void validate(const std::string& file = "") const;
};

} // namespace llmdse
