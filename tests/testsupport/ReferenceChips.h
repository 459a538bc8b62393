#pragma once
// Published chips described as accelerator templates, shared by the area and
// energy tests that check the models against them.
#include "core/AcceleratorTemplate.h"

namespace llmdse::test {

// Google TPU v1 (Jouppi et al., "In-Datacenter Performance Analysis of a Tensor
// Processing Unit", ISCA 2017): 28 nm, 700 MHz, one 256 x 256 int8 matrix unit,
// 24 MiB unified buffer, 4 MiB of 32-bit accumulators, 256-wide activation
// pipeline, two DDR3-2133 channels (34 GB/s). Accumulators are the template's
// local SRAM (in 512 KiB banks, the SRAM model's largest unit), the unified
// buffer its global buffer; the activation pipeline is taken as 256 vector lanes.
inline AcceleratorTemplate tpuV1()
{
    constexpr double kMiB = 1024.0 * 1024.0;
    AcceleratorTemplate t;
    t.cores = 1;
    t.arrayRows = t.arrayCols = 256;
    t.macsPerPe = {};
    t.macsPerPe[int(Precision::INT8)] = 1;
    t.vectorLanes = 256;
    t.localSramBytes = 4 * kMiB;
    t.localSramBanks = 8;
    t.globalBufferBytes = 24 * kMiB;
    t.memory.kind = "ddr3";
    t.memory.channels = 2;
    t.memory.channelBandwidthBytesPerS = 17e9;
    t.memory.capacityBytes = 8 * 1024 * kMiB;
    t.processNm = 28;
    t.clockGhz = 0.7;
    return t;
}

} // namespace llmdse::test
