#pragma once
// What the FPGA compiler needs to know about a card: the part's budget and the share of it a
// design may fill, the clock, the memory ports and what each streams, the cost of a MAC lane
// per arithmetic, and the card's power figures. From a hardware preset (an FPGA card named in
// resources/fpga/compile.json) or an accelerator template with an FPGA part.
#include "core/AcceleratorTemplate.h"
#include "core/HardwareSpec.h"
#include "estimators/fpga/FpgaPlan.h"

#include <string>

namespace llmdse {

struct FpgaTarget {
    HardwareSpec hardware;
    FpgaPart part;
    FpgaResources budget, ceiling;
    double clockGhz = 0;
    int ports = 1;                 // memory channels the stages share out
    double portBytesPerCycle = 0;  // sustained, per port, at clockGhz
    double memoryLatencyCycles = 0;
    int vectorLanesPerStage = 16, overlayVectorLanes = 64;
    double lutPerStage = 0, lutPerDequantLane = 0;
    double uramBytes = 0, bramBytes = 0;
    std::string source;

    double dspPerLane(Precision datapath) const;
    double lutPerLane(Precision datapath) const;
    double bandwidthBytesPerS() const { return ports * portBytesPerCycle * clockGhz * 1e9; }
};

// Throws InputError(file, "hardware", ...) when the hardware is not an FPGA card or template;
// clockGhz > 0 overrides the part's achievable clock.
FpgaTarget resolveFpgaTarget(const HardwareSpec& hw, double clockGhz = 0);
// Whether resolveFpgaTarget takes `hw`: an FPGA card named in compile.json or a template with an FPGA part.
bool fpgaTargetKnown(const HardwareSpec& hw);

} // namespace llmdse
