#pragma once
// How much of this computer other processes used while we measured. A timing taken while
// another job shared the cores says nothing about the hardware: llama.cpp's and the engine's
// threads wait at every barrier for the one that was descheduled. Measurements keep only
// the runs during which others used at most a small share of the CPUs, and say how many
// runs they had to discard.
namespace llmdse {

class CpuContentionWindow {
public:
    CpuContentionWindow(); // starts the window now
    // The CPU time others used since the start, as a share of every core's time (0..1);
    // negative where the operating system does not tell (not Linux).
    double othersShare() const;

private:
    double wall0_ = 0, busy0_ = 0, own0_ = 0;
    bool known_ = false;
};

// Others' share above which a timed run is discarded (LLMDSE_QUIET_SHARE overrides, 0..1).
double quietShareLimit();

// A number from the environment within [lo, hi]; `fallback` when unset or not such a number.
double environmentNumber(const char* name, double lo, double hi, double fallback);

} // namespace llmdse
