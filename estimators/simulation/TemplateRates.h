#pragma once
// A template's capacities in the units the simulator counts: bytes, bytes per
// cycle and lanes, all per core clock cycle.
#include "core/AcceleratorTemplate.h"

namespace llmdse {

struct TemplateRates {
    explicit TemplateRates(const AcceleratorTemplate& t);

    const AcceleratorTemplate* tpl;
    double hz;                 // core clock
    int cores, rows, cols;
    int arrays;                // matrix arrays per core
    double localBytes;         // per core
    double localPerCycle;      // per core
    double globalBytes;
    double globalPerCycle;     // shared by all cores
    double dramPerCycle;       // shared by all cores, as streaming kernels reach it (pin rate x efficiency)
    double lanes;              // per core
    double arrayEfficiency;    // share of cycles the arrays issue in a tuned kernel's steady state
    double feedBytes = 0;      // operand-feed level per core (all its arrays), 0: none
    double feedPerCycle = 0;   // per core (all its arrays)

    bool hasFeed() const { return feedBytes > 0; }
    // MACs per PE per cycle at `p` (0 when the array cannot run it).
    double macsPerPe(Precision p) const { return tpl->macsPerPe[static_cast<int>(p)]; }
    // The precision the array runs for `p`: p itself or the next wider supported format.
    Precision arrayPrecision(Precision p) const;
};

} // namespace llmdse
