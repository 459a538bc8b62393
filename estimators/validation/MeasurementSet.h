#pragma once
// Measured inference runs (the format of resources/validation/gpu-measurements.json): one row per phase
// configuration with latency and energy, plus the model shapes measured.
#include "core/ModelSpec.h"
#include "models/OpGraph.h"

#include <QJsonObject>
#include <map>
#include <string>
#include <vector>

namespace llmdse {

struct Measurement {
    std::string device;   // hardware preset id
    std::string model;
    Phase phase = Phase::Decode;
    int batch = 1;
    int tokens = 1;       // prompt length (prefill) or attended context (decode)
    double latencyS = 0;
    double energyJ = 0;   // 0 when not measured
    double powerW = 0;
    // Design keys the run used beyond fp16 on one device (weights, activations, kv,
    // quantized_lm_head, hardware.threads, ...), applied on top of the row's device and model.
    QJsonObject design;
};

struct MeasurementSet {
    std::string file;
    std::vector<Measurement> rows;
    std::map<std::string, ModelSpec> models; // shapes named in the file (else the zoo)

    const ModelSpec& model(const std::string& name) const;
};

// Throws InputError naming the file and the row/field on malformed data.
MeasurementSet loadMeasurements(const std::string& path);
MeasurementSet parseMeasurements(const QJsonObject& obj, const std::string& file);

} // namespace llmdse
