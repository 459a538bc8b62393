#pragma once
// One evaluated design as data: the `evaluate --format json` object (design,
// metrics, ops, estimator version, provenance) and the per-op CSV. The CLI and
// the workbench's exports write the same shapes.
#include "core/Design.h"
#include "core/Metrics.h"
#include "core/RecordWriter.h"

#include <QJsonObject>
#include <string>

namespace llmdse {

class Estimator;

// Written into the open object of `w` (the Python module writes it straight into a dict);
// withOps false leaves out the per-op breakdown (the "ops" key).
void writeEvaluation(RecordWriter& w, const Design& d, const Metrics& m, const Estimator& est, bool withOps = true);
QJsonObject evaluationJson(const Design& d, const Metrics& m, const Estimator& est);
// A `# ttft_s=... ` summary line, then one CSV row per op (SI units).
std::string evaluationCsv(const Metrics& m);

} // namespace llmdse
