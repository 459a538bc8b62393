#pragma once
// What File > Export writes: the current design, the pinned comparison or the
// sweep, as a report (.html or .pdf: charts as images, every input, the
// provenance of every preset and profile, estimator versions) or as data
// (.csv or .json; a sweep also as .sqlite). The kind follows the extension.
// Every function throws InputError naming the file on failure.
#include "core/Design.h"

#include <QImage>
#include <QString>
#include <cstdint>
#include <vector>

namespace llmdse {

class CompareModel;
class SweepResults;

void exportDesign(const QString& path, const Design& d, const QString& estimatorId);
void exportComparison(const QString& path, const CompareModel& m, const QImage& chart);
// Data formats replay the rows into the sweep's own sinks (the CLI's formats); safe off the UI thread.
void exportSweep(const QString& path, const SweepResults& r, const std::vector<std::int64_t>& front, const QImage& chart);

bool isReportPath(const QString& path); // .html, .htm or .pdf

} // namespace llmdse
