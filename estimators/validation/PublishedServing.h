#pragma once
// Published online-serving results (benchmark_serving, sglang.bench_serving,
// genai-perf / NIM, trtllm-bench) and serve-sim's predictions of them: each
// row names its source, the framework and version, the design (model, GPU,
// precision, tensor parallelism, runtime profile), the load (rate,
// concurrency, requests) and the published metrics it reports.
#include "estimators/Estimator.h"
#include "estimators/serving/ServingSummary.h"

#include <QJsonObject>
#include <map>
#include <string>
#include <vector>

namespace llmdse {

struct PublishedServingRun {
    std::string id, source, framework, note;
    QJsonObject design;              // design fields: model, hardware, runtime, weights, kv, tp ...
    QJsonObject scheduler;           // the run's server flags over the profile's scheduler (profile JSON keys)
    double rate = 0;                 // requests/s; 0: none (all at once, or paced by the clients)
    long long concurrency = 0;
    long long requests = 0, warmup = 0;
    std::string prompt, output;      // length distributions as serve-sim takes them
    double memoryFraction = 0.9;
    std::map<std::string, double> published; // metric name -> value
};

// The metrics a row may publish: ttft_{mean,median,p99}_s, itl_{mean,median,p99}_s,
// tpot_{mean,median}_s, e2e_{mean,median}_s, requests_per_s, output_tokens_per_s.
// InputError(where) for an unknown name.
double servingMetric(const ServingSummary& s, const std::string& name, const std::string& where);
// The group a metric counts in: "TTFT", "ITL/TPOT", "E2E", "request throughput", "token throughput".
std::string servingMetricGroup(const std::string& name);

// InputError(file, "runs[i].field", reason) for a bad row.
std::vector<PublishedServingRun> parsePublishedServing(const QJsonObject& root, const std::string& file);
std::vector<PublishedServingRun> loadPublishedServing(const std::string& path);

struct ServingComparison {
    std::string run, metric;
    double published = 0, predicted = 0;
    double error() const { return published > 0 ? predicted / published - 1 : 0; }
};
std::vector<ServingComparison> predictPublishedServing(const Estimator& est, const PublishedServingRun& run);

} // namespace llmdse
