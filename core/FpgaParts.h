#pragma once
// The FPGA parts an accelerator template can be mapped onto, with their
// resource budgets, from the bundled resources/fpga/parts.json.
#include "core/AcceleratorTemplate.h"

#include <string>
#include <vector>

namespace llmdse {

// Throws InputError("", field, "unknown FPGA part 'x' (known: ...)") for an unknown id.
FpgaPart resolveFpgaPart(const std::string& id, const std::string& field);
std::vector<std::string> fpgaPartIds();
// DSP slice family of a zoo part ("dsp48e2", "dsp58"); it decides how many MACs
// a DSP does. A part not in the zoo is taken to be UltraScale+ ("dsp48e2").
std::string fpgaDspFamily(const FpgaPart& part);

} // namespace llmdse
