#pragma once
// A report of one design as an engineering document. Page 1: the design's inputs
// with their units and meaning, the headline metrics (with intervals when the
// estimate carries them), whether it fits and what would make it, and where the
// time goes. Then the roofline and the per-operator table (its header repeated on
// every page), and the provenance of every preset, profile and estimator.
// HTML (images embedded) or PDF (the same document, paged).
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QImage>
#include <QString>

namespace llmdse {

struct DesignReport {
    Design design;
    Metrics metrics;
    QString estimator, estimatorVersion, estimatorProvenance;
    QImage breakdown, roofline;
    Uncertainty uncertainty; // the headline metrics' intervals

    QString html() const;
    // Writes .html or .pdf by the extension; throws InputError naming the file.
    void write(const QString& path) const;
};

// Report sections shared by every report that shows a design: its inputs (design-file keys,
// edits included, with units and meaning), its headline metrics, and the provenance of its
// presets, profile and estimator, as HTML tables.
QString designInputsHtml(const Design& d, const QString& estimator = {}, bool withMeaning = true);
QString designMetricsHtml(const Metrics& m, const Uncertainty* u = nullptr);
QString designProvenanceHtml(const Design& d, const QString& estimatorVersion, const QString& estimatorProvenance);

// Evaluates `d` and renders the Results view's charts offscreen (needs a QApplication).
DesignReport makeDesignReport(const Design& d, const QString& estimatorId);

} // namespace llmdse
