#pragma once
// Whether a design can run at all, and what would make one that cannot fit: more
// devices, a smaller weight or KV-cache format, a smaller batch. Each remedy is
// checked with the memory model, so it is a statement, not a guess.
#include "core/Design.h"
#include "core/Metrics.h"

#include <string>
#include <vector>

namespace llmdse {

// Memory fits on every device, and an FPGA template's resources fit its part.
bool designFits(const Metrics& m);
// Why it cannot run ("needs 141 GB per device, has 80 GB"); "" when it fits.
std::string infeasibility(const Metrics& m);
// Changes that each make the memory fit on their own ("tensor parallel 2 (2 devices)",
// "int8:g128 weights", "batch 16 or less"); empty when it fits or nothing tried helps.
std::vector<std::string> fitRemedies(const Design& d);

} // namespace llmdse
