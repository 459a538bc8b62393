#pragma once
// Die area of a template accelerator, built up from its parts: systolic
// arrays, vector lanes, SRAMs, memory interfaces and the on-chip network and
// control, each from a published figure scaled to the template's node (the
// constants and their sources are in resources/area/technology-area.json).
// For FPGA templates, the fraction of the part's DSP/BRAM/URAM/LUT budget.
#include "core/AcceleratorTemplate.h"

#include <string>

namespace llmdse {

struct AreaBreakdown {
    double matrixMm2 = 0;       // all cores' systolic arrays
    double vectorMm2 = 0;       // all cores' vector lanes
    double localSramMm2 = 0;    // all cores' local SRAM
    double globalBufferMm2 = 0;
    double memoryPhyMm2 = 0;    // memory PHYs + controllers
    double pimMm2 = 0;          // PIM logic, on the memory dies (not the accelerator die)
    double overheadMm2 = 0;     // on-chip network + per-lane control
    double total() const;       // all silicon the design adds, PIM logic included
    double acceleratorDieMm2() const { return total() - pimMm2; }
};

// ASIC area in mm^2. Throws InputError naming the template field when a part
// cannot be sized (no precision with MACs, unknown memory kind).
AreaBreakdown estimateArea(const AcceleratorTemplate& t);
const std::string& areaModelSource(); // provenance string for reports

// Area of 1 relative to 45 nm at `nm` (Stillmaker & Baas), used to scale other constants.
double areaNodeFactor(double nm);

struct FpgaUtilisation {
    double dsp = 0, bram = 0, uram = 0, lut = 0; // fractions of the part's budget; > 1: does not fit
    double max() const;
    std::string limiting() const; // "dsp", "bram", "uram" or "lut": the largest fraction
};

// Requires t.fpga (throws InputError(template.fpga) otherwise). SRAM goes to
// UltraRAM first, then BRAM36.
FpgaUtilisation fpgaUtilisation(const AcceleratorTemplate& t);

} // namespace llmdse
