#include "estimators/simulation/TemplateRates.h"

namespace llmdse {

TemplateRates::TemplateRates(const AcceleratorTemplate& t)
    : tpl(&t), hz(t.clockGhz * 1e9), cores(t.cores), rows(t.arrayRows), cols(t.arrayCols), arrays(t.arraysPerCore),
      localBytes(t.localSramBytes), localPerCycle(t.localBytesPerCycle), globalBytes(t.globalBufferBytes),
      globalPerCycle(t.globalBytesPerCycle),
      dramPerCycle(t.memoryBandwidthBytesPerS() * t.memory.efficiency / (t.clockGhz * 1e9)), lanes(t.vectorLanes),
      arrayEfficiency(t.arrayEfficiency)
{
    if (t.feed) {
        feedBytes = t.feed->bytes * t.arraysPerCore;
        feedPerCycle = t.feed->bytesPerCycle * t.arraysPerCore;
    }
}

Precision TemplateRates::arrayPrecision(Precision p) const
{
    static const Precision order[] = {Precision::INT4, Precision::INT8, Precision::FP8,
                                      Precision::FP16, Precision::BF16, Precision::FP32};
    int i = 0;
    while (order[i] != p) ++i;
    for (; i < 6; ++i)
        if (macsPerPe(order[i]) > 0) return order[i];
    return Precision::FP32; // not on the array: the simulator uses the vector unit
}

} // namespace llmdse
