#pragma once
#include "core/RuntimeProfile.h"
#include <QJsonObject>

namespace llmdse {

RuntimeProfile runtimeFromJson(const QJsonObject& obj, const std::string& file = "");
QJsonObject toJson(const RuntimeProfile& p);

} // namespace llmdse
