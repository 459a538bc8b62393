#include "estimators/fpga/FpgaPlan.h"
#include "core/Errors.h"

#include <algorithm>

namespace llmdse {

const char* toString(FpgaStyle s) { return s == FpgaStyle::Dataflow ? "dataflow" : "overlay"; }

FpgaStyle parseFpgaStyle(const std::string& s, const std::string& field)
{
    if (s == "dataflow") return FpgaStyle::Dataflow;
    if (s == "overlay") return FpgaStyle::Overlay;
    throw InputError("", field, "unknown style '" + s + "' (expected dataflow or overlay)");
}

double FpgaPlan::utilisation() const
{
    auto frac = [](double u, double b) { return b > 0 ? u / b : (u > 0 ? 1e9 : 0); };
    return std::max({frac(used.dsp, budget.dsp), frac(used.bram36, budget.bram36), frac(used.uram, budget.uram),
                     frac(used.lut, budget.lut)});
}

std::string FpgaPlan::limiting() const
{
    const double m = utilisation();
    if (budget.dsp > 0 && used.dsp / budget.dsp == m) return "dsp";
    if (budget.uram > 0 && used.uram / budget.uram == m) return "uram";
    if (budget.bram36 > 0 && used.bram36 / budget.bram36 == m) return "bram";
    return "lut";
}

} // namespace llmdse
