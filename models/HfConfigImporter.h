#pragma once
// Hugging Face config.json -> ModelSpec for the supported families.
#include "core/ModelSpec.h"
#include <QJsonObject>

namespace llmdse {

// Families: llama, mistral, qwen2 (qkv bias), mixtral and qwen2_moe (MoE), gemma, phi3.
ModelSpec importHfConfig(const QJsonObject& config, const std::string& file, const std::string& id);
ModelSpec importHfConfigFile(const std::string& path);
std::vector<std::string> supportedModelTypes();

} // namespace llmdse
