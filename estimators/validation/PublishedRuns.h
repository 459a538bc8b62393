#pragma once
// Published multi-device results (the format of resources/validation/multi-gpu-published.json): one
// row per framework configuration with its source, and how the estimate compares, per row and in the
// speed-up each group of rows shows from its fewest to its most tensor-parallel devices.
#include "core/Design.h"
#include "estimators/Estimator.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace llmdse {

struct PublishedRun {
    std::string source, model, hardware, runtime;
    int tp = 1, pp = 1, ep = 1, batch = 1, prompt = 1, output = 1;
    Precision precision = Precision::FP16; // weights, activations and KV cache
    std::string metric;                    // ttft_ms, tpot_ms, e2e_ms, throughput_tok_s_per_device
    double value = 0;
    QJsonObject design;                    // further design keys (tp_layout, weights beside the precision, ...)
};

// Throws InputError naming the file and the row/field on malformed data.
std::vector<PublishedRun> loadPublishedRuns(const std::string& path);

Design designForPublished(const PublishedRun& r);
double predictedMetric(const Metrics& m, const PublishedRun& r);

struct TpScaling {
    std::string group;       // the row's model, hardware, batch and metric
    int fromTp = 1, toTp = 1;
    double published = 1, estimated = 1; // latency(fromTp) / latency(toTp) (throughputs inverted)
};

struct PublishedComparison {
    std::vector<double> predicted, errors; // per row; error = predicted / published - 1
    double medianAbsError = 0;
    std::vector<TpScaling> scaling;        // every tp of a group against its smallest tp
};
PublishedComparison comparePublished(const std::vector<PublishedRun>& rows, const Estimator& est);

} // namespace llmdse
