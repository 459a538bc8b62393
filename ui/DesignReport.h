#pragma once
// A report of one design: every input, the metrics with units, the per-operator
// table, the charts as images and the provenance of every preset, profile and
// estimator. HTML (images embedded) or PDF (the same document, paged).
#include "core/Design.h"
#include "core/Metrics.h"

#include <QImage>
#include <QString>

namespace llmdse {

struct DesignReport {
    Design design;
    Metrics metrics;
    QString estimator, estimatorVersion, estimatorProvenance;
    QImage breakdown, roofline;

    QString html() const;
    // Writes .html or .pdf by the extension; throws InputError naming the file.
    void write(const QString& path) const;
};

// Report sections shared by every report that shows a design: its inputs (design-file keys,
// edits included) and the provenance of its presets, profile and estimator, as HTML tables.
QString designInputsHtml(const Design& d);
QString designProvenanceHtml(const Design& d, const QString& estimatorVersion, const QString& estimatorProvenance);

// Evaluates `d` and renders the Results view's charts offscreen (needs a QApplication).
DesignReport makeDesignReport(const Design& d, const QString& estimatorId);

} // namespace llmdse
