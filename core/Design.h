#pragma once
// One point of the design space: everything an estimator needs.
#include "core/HardwareSpec.h"
#include "core/ModelSpec.h"
#include "core/Optimizations.h"
#include "core/Parallelism.h"
#include "core/RuntimeProfile.h"
#include "core/VisionEncoder.h"
#include "core/Workload.h"

#include <memory>

namespace llmdse {

// Bounds on a workload beyond which no deployment exists and products of them would stop being exact.
constexpr int kMaxBatch = 1 << 20;   // sequences in one batch
constexpr int kMaxTokens = 1 << 28;  // prompt, output, reasoning or context tokens of one sequence (their sum stays an int)
constexpr int kMaxImages = 10000;    // images per sequence
constexpr int kMaxDevices = 1 << 20; // devices along one parallelism axis

struct Design {
    ModelSpec model;
    HardwareSpec hardware;
    RuntimeProfile runtime;
    Workload workload;
    Optimizations opts;
    Parallelism parallel;
    // Draft-model speculation: the draft (null with opts.spec.draftLayers: the target's first layers)
    // and the device it runs on (null: the target's).
    std::shared_ptr<const ModelSpec> draftModel;
    std::shared_ptr<const HardwareSpec> draftHardware;
    std::shared_ptr<const VisionEncoderSpec> encoder; // multimodal prompts (workload.images > 0)

    // The draft as it runs: the separate model, or the target cut to its first draftLayers layers.
    ModelSpec draft() const;
    int promptTokens() const; // text prompt plus the image tokens

    // Throws InputError naming the field when the combination is impossible.
    void validate() const;
};

} // namespace llmdse
