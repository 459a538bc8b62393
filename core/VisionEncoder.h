#pragma once
// An image encoder in front of a multimodal LLM (ViT + projector): its own
// prefill-like cost per image, and the tokens each image adds to the prompt.
#include <string>
#include <vector>

namespace llmdse {

struct VisionEncoderSpec {
    std::string id;
    std::string source;
    int layers = 0;
    int hidden = 0;
    int heads = 0;
    int intermediate = 0;
    int patchSize = 14;
    int imageSize = 336;
    int tokensPerImage = 0;   // tokens handed to the LLM per image (after the projector)
    int projectorHidden = 0;  // the projector MLP's width (0: a single linear layer)
    int patches() const { return (imageSize / patchSize) * (imageSize / patchSize); }
    double params() const;    // encoder + projector into an LLM of width `llmHidden` is params(llmHidden)
    double params(int llmHidden) const;
};

const std::vector<VisionEncoderSpec>& visionEncoders();
// Throws InputError(field) listing the known ids.
const VisionEncoderSpec& resolveVisionEncoder(const std::string& id, const std::string& field);

} // namespace llmdse
