#pragma once
// First-principles energy constants: logic energy per FLOP by precision at
// 45 nm (Horowitz, ISSCC 2014) scaled to a process node (Stillmaker & Baas
// factors as tabulated by Accelergy). Loaded from resources/energy/technology.json.
#include "core/Precision.h"

#include <array>
#include <string>
#include <vector>

namespace llmdse {

class TechnologyTable {
public:
    static const TechnologyTable& instance();

    // Logic-only energy per FLOP (pJ) at `nodeNm` for a precision.
    double pjPerFlop(Precision p, double nodeNm) const;
    double nodeFactor(double nodeNm) const; // energy relative to 45 nm
    double pjPerFlop45(Precision p) const { return pj45_[static_cast<int>(p)]; }
    double linkPjPerBit() const { return linkPjPerBit_; }
    const std::string& source() const { return source_; }

private:
    TechnologyTable();
    std::array<double, kPrecisionCount> pj45_{};
    std::vector<std::pair<double, double>> nodeFactors_; // (nm, factor), ascending nm
    double linkPjPerBit_ = 10;
    std::string source_;
};

} // namespace llmdse
