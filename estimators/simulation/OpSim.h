#pragma once
// What the simulator reports for one operator instance on a template: time,
// what bounds it, bytes per memory level and per-action counts (the input of
// the energy model). Plain data, cached by content hash.
#include "core/Metrics.h"
#include "core/Precision.h"

#include <array>
#include <string>

namespace llmdse {

struct OpSim {
    double seconds = 0;
    double cycles = 0;                 // core clock cycles
    double computeCycles = 0;          // busy cycles of the engine that ran it (per core, summed over tiles)
    double utilisation = 0;            // useful MACs / (PEs x cycles), matrix ops
    double dramBytes = 0;              // off-chip
    double globalBytes = 0;            // global buffer <-> local SRAM
    double localBytes = 0;             // local SRAM <-> engines
    double pimBytes = 0;               // in-bank reads by PIM units
    std::array<double, kPrecisionCount> macs{}; // useful multiply-accumulates by precision
    double vectorOps = 0;              // lane operations on the vector unit
    Bound bound = Bound::Compute;
    std::string mapping;               // e.g. "array ws 128x512x1024 n-outer"

    OpSim& operator+=(const OpSim& o);
    OpSim scaled(double f) const;
};

} // namespace llmdse
