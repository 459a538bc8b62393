#pragma once
// Energy per hardware action of a template accelerator: a MAC by precision, a
// vector lane operation, a byte read or written in local SRAM, the global
// buffer, off-chip memory or in-bank by PIM units; plus leakage power from the
// die area. The simulator counts actions; this prices them. Constants and
// their sources: resources/energy/actions.json and technology.json.
#include "core/AcceleratorTemplate.h"

#include <array>
#include <string>

namespace llmdse {

struct ActionCounts {
    std::array<double, kPrecisionCount> macs{}; // multiply-accumulates by operand precision
    double vectorOps = 0;          // vector lane operations, each one fp32 FMA (2 FLOPs)
    double localSramBytes = 0;     // bytes read + written in the cores' local SRAM
    double globalBufferBytes = 0;  // bytes read + written in the global buffer
    double dramBytes = 0;          // bytes moved over the off-chip interface
    double pimBytes = 0;           // bytes read in-bank by PIM units (no I/O)

    ActionCounts& operator+=(const ActionCounts& o);
    ActionCounts scaled(double f) const;
};

class ActionEnergy {
public:
    // Throws InputError naming the template field for an unknown memory kind.
    explicit ActionEnergy(const AcceleratorTemplate& t);

    double dynamicJ(const ActionCounts& a) const;
    double leakageW() const;                // whole accelerator die
    double pjPerMac(Precision p) const;
    double pjPerVectorOp() const { return pjVector_; }
    double pjPerLocalByte() const { return pjLocal_; }
    double pjPerGlobalByte() const { return pjGlobal_; }
    double pjPerDramByte() const { return pjDram_; }
    double pjPerPimByte() const { return pjPim_; }
    const std::string& source() const;
    static const std::string& constantsSource(); // the same, without a template

private:
    std::array<double, kPrecisionCount> pjMac_{};
    double pjVector_ = 0, pjLocal_ = 0, pjGlobal_ = 0, pjDram_ = 0, pjPim_ = 0;
    double leakageW_ = 0;
};

// Horowitz SRAM read energy (pJ per byte) of one bank of `bankBytes` at `nm`.
double sramPjPerByte(double bankBytes, double nm);

} // namespace llmdse
