#pragma once
#include "core/ModelSpec.h"
#include <QJsonObject>

namespace llmdse {

// Writes a Hugging Face style config that importHfConfig reads back unchanged.
QJsonObject toHfConfig(const ModelSpec& m);

} // namespace llmdse
