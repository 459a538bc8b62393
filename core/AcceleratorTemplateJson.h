#pragma once
// The `template` object of a hardware file, and the derivation of a
// HardwareSpec's peaks, bandwidths and buffers from it.
#include "core/HardwareSpec.h"
#include "core/Json.h"

#include <QJsonObject>

namespace llmdse {

AcceleratorTemplate templateFromJson(const JsonReader& r); // r reads the `template` object
QJsonObject toJson(const AcceleratorTemplate& t);

// Fills peaks, vector rate, main memory, SRAM, PIM, node and clock of `hw` from hw.accel.
void deriveFromTemplate(HardwareSpec& hw);

} // namespace llmdse
