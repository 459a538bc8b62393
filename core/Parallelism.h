#pragma once

namespace llmdse {

struct Parallelism {
    int tensor = 1;
    int pipeline = 1;
    int expert = 1;
    double linkBandwidthBytesPerS = 0; // 0: the hardware's interconnect
    double linkLatencyS = -1;          // < 0: the hardware's interconnect

    int devices() const { return tensor * pipeline * expert; }
};

} // namespace llmdse
