#pragma once
// plan.json: what `llmdse compile` writes and `evaluate --fpga-plan` reads.
#include "estimators/fpga/FpgaPlan.h"

#include <QJsonObject>
#include <string>

namespace llmdse {

QJsonObject fpgaPlanJson(const FpgaPlan& p);
// Throws InputError(file, field, reason) for a missing or impossible field.
FpgaPlan fpgaPlanFromJson(const QJsonObject& o, const std::string& file);
FpgaPlan readFpgaPlan(const std::string& path);

} // namespace llmdse
