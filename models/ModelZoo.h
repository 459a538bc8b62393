#pragma once
#include "core/ModelSpec.h"
#include <vector>

namespace llmdse {

// The bundled models (resources/models, Hugging Face configs), loaded once.
const std::vector<ModelSpec>& modelZoo();
// A zoo id, a config.json path, or a checkpoint folder holding config.json.
ModelSpec resolveModel(const std::string& idOrPath, const std::string& field = "model");

} // namespace llmdse
