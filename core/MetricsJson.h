#pragma once
#include "core/Metrics.h"
#include "core/RecordWriter.h"
#include <QJsonObject>

namespace llmdse {

// The `evaluate --format json` shape: ttft_s, tpot_s, ..., memory{...}, ops[...],
// written into the open object of `w` (without the "ops" key when withOps is false).
void writeMetrics(RecordWriter& w, const Metrics& m, bool withOps = true);
void writePhaseCost(RecordWriter& w, const PhaseCost& p);
QJsonObject toJson(const Metrics& m);
QJsonObject toJson(const PhaseCost& p);

} // namespace llmdse
