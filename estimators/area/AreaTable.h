#pragma once
// The area constants of resources/area/technology-area.json, loaded once.
// Each constant is kept at the node its source measured it and converted here
// through one node-scaling curve, so every part of the model agrees on what a
// square millimetre at "7 nm" is. Internal to the area and energy models.
#include "core/AcceleratorTemplate.h"

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace llmdse::area {

// The arithmetic a processing element is built for.
enum class Datapath : unsigned char { Int8, Fp16, Bf16, Fp32 };
constexpr int kDatapathCount = 4;
const char* toString(Datapath d);

// A PE is sized for one datapath and holds `macs` copies of it.
struct PeDatapath {
    Datapath kind = Datapath::Fp16;
    double macs = 1;
};
// fp16/bf16 if either has MACs (the wider mantissa wins), else fp32, else the
// int8 class (int8, fp8, int4 at two per int8 multiplier). Throws InputError
// (template.macs_per_pe) when no precision has MACs.
PeDatapath peDatapath(const AcceleratorTemplate& t);

struct MemoryInterface {
    double bitsPerChannel = 0;
    double phyMm2 = 0;                // per channel, any node
    double controllerTransistors = 0; // per channel
};

struct FpgaCosts {
    std::array<double, kDatapathCount> dspPerMac{}, lutPerMac{};
};

class AreaTable {
public:
    static const AreaTable& instance();

    double nodeFactor(double nm) const;                        // area relative to 45 nm
    double logicUm2(double transistors, double nm) const;      // at the reference density, scaled
    double peUm2(Datapath d, double nm) const;
    double vectorLaneUm2(double nm) const;
    double controlUm2PerLane(double nm) const;
    double interconnectUm2PerCore(double nm) const;
    // `bytes` built from units of `unitBytes` (capped at the largest efficient unit).
    double sramMm2(double bytes, double unitBytes, double nm) const;
    double sramMaxUnitBytes() const { return maxUnitBytes_; }
    double memoryInterfaceMm2(const OffChipMemory& m, double nm) const;
    double pimLogicNm() const { return pimNodeNm_; }

    const FpgaCosts& fpgaCosts(const std::string& family) const;
    double uramBytes() const { return uramBytes_; }
    double bram36Bytes() const { return bramBytes_; }
    double fpgaLutPerCore() const { return lutPerCore_; }

    const std::string& source() const { return source_; }

private:
    AreaTable();
    double registerUm2(double bits, double nm) const;
    double bitcellUm2(double nm) const;
    double arrayEfficiency(double unitBytes) const;

    using Curve = std::vector<std::pair<double, double>>; // ascending x
    Curve nodeFactors_, bitcells_, efficiency_;
    double refNm_ = 7, refDensity_ = 96.3;
    double aladdinNm_ = 40, registerUm2PerBit_ = 0, adder32Um2_ = 0;
    struct Pe { double transistors = 0, registerBits = 0; bool adder = false; };
    std::array<Pe, kDatapathCount> pe_{};
    Pe lane_;
    double controlPerLane_ = 0, interconnectPerCore_ = 0;
    double maxUnitBytes_ = 524288;
    std::map<std::string, MemoryInterface> memory_;
    double pimNodeNm_ = 20;
    std::map<std::string, FpgaCosts> fpga_;
    double uramBytes_ = 32768, bramBytes_ = 4096, lutPerCore_ = 0;
    std::string source_;
};

// Log-log interpolation in a tabulated curve (ascending x); the end values outside it.
double logLogInterpolate(const std::vector<std::pair<double, double>>& curve, double x);

} // namespace llmdse::area
