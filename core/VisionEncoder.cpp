#include "core/VisionEncoder.h"
#include "core/Errors.h"

namespace llmdse {

double VisionEncoderSpec::params() const
{
    const double h = hidden;
    // Per layer: qkv + o (4 h^2) and a plain MLP (2 h i), plus the patch embedding.
    return layers * (4.0 * h * h + 2.0 * h * intermediate) + 3.0 * patchSize * patchSize * h;
}

double VisionEncoderSpec::params(int llmHidden) const
{
    const double proj = projectorHidden > 0 ? double(hidden) * projectorHidden + double(projectorHidden) * llmHidden
                                            : double(hidden) * llmHidden;
    return params() + proj;
}

const std::vector<VisionEncoderSpec>& visionEncoders()
{
    static const std::vector<VisionEncoderSpec> encoders = {
        {"clip-vit-l-336",
         "openai/clip-vit-large-patch14-336 config.json (24 layers, hidden 1024, 16 heads, MLP 4096, patch 14 at 336 px); "
         "LLaVA-1.5 (Liu et al., arXiv 2310.03744): 576 image tokens through a 2-layer MLP projector",
         24, 1024, 16, 4096, 14, 336, 576, 4096},
        {"siglip-so400m-384",
         "google/siglip-so400m-patch14-384 config.json (27 layers, hidden 1152, 16 heads, MLP 4304, patch 14 at 384 px); "
         "LLaVA-OneVision (Li et al., arXiv 2408.03326): 729 tokens per image, 2-layer MLP projector",
         27, 1152, 16, 4304, 14, 384, 729, 4096},
    };
    return encoders;
}

const VisionEncoderSpec& resolveVisionEncoder(const std::string& id, const std::string& field)
{
    std::string known;
    for (const auto& e : visionEncoders()) {
        if (e.id == id) return e;
        known += (known.empty() ? "" : ", ") + e.id;
    }
    throw InputError("", field, "unknown image encoder '" + id + "' (known: " + known + ")");
}

} // namespace llmdse
