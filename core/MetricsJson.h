#pragma once
#include "core/Metrics.h"
#include <QJsonObject>

namespace llmdse {

// The `evaluate --format json` shape: ttft_s, tpot_s, ..., memory{...}, ops[...].
QJsonObject toJson(const Metrics& m);
QJsonObject toJson(const PhaseCost& p);

} // namespace llmdse
