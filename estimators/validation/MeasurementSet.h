#pragma once
// Measured inference runs (the format of resources/validation/gpu-measurements.json): one row per phase
// configuration with latency and energy, plus the model shapes measured; and operators timed alone
// (microbenchmarks, resources/validation/operator-measurements.json): kind, shape, precision, latency.
#include "core/ModelSpec.h"
#include "models/OpGraph.h"

#include <QJsonObject>
#include <initializer_list>
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

// One operator timed alone. Matrix products: C[m x n] = A[m x k] . B[k x n], `batch` independent ones
// (a batched product; B is the operand a model would stream as weights); vector kinds: `m` rows of `n`.
enum class OperatorKind : unsigned char { Matmul, Softmax, LayerNorm, RmsNorm, Gelu };
const char* toString(OperatorKind k);

struct OperatorMeasurement {
    std::string device;   // hardware preset id or file
    OperatorKind kind = OperatorKind::Matmul;
    double m = 1, n = 1, k = 1, batch = 1;
    Precision precision = Precision::FP16;
    double latencyS = 0;
    std::string source;   // where the figure was published
    QJsonObject design;   // design keys beyond the device (runtime, hardware.*)
};

struct MeasurementSet {
    std::string file;
    std::vector<Measurement> rows;
    std::vector<OperatorMeasurement> ops;
    std::map<std::string, ModelSpec> models; // shapes named in the file (else the zoo)

    const ModelSpec& model(const std::string& name) const;
};

// A row's "design" object: any design parameter except the row's `own` fields (checked, not applied).
class JsonReader;
QJsonObject designOverrides(const JsonReader& row, std::initializer_list<const char*> own);
// Applies checked overrides to `d` (InputError naming design.<key> on a bad value).
struct Design;
void applyDesignOverrides(Design& d, const QJsonObject& overrides);

// Throws InputError naming the file and the row/field on malformed data.
MeasurementSet loadMeasurements(const std::string& path);
MeasurementSet parseMeasurements(const QJsonObject& obj, const std::string& file);

} // namespace llmdse
