#include "ui/Exports.h"
#include "core/Errors.h"
#include "core/MetricsJson.h"
#include "estimators/Estimator.h"
#include "estimators/EvaluationRecord.h"
#include "estimators/sweep/ResultSink.h"
#include "ui/CompareModel.h"
#include "ui/DesignReport.h"
#include "ui/ReportFile.h"
#include "ui/SweepResults.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardItemModel>
#include <cmath>

namespace llmdse {

namespace {

bool hasSuffix(const QString& path, std::initializer_list<const char*> suffixes)
{
    for (const char* s : suffixes)
        if (path.endsWith(QLatin1String(s), Qt::CaseInsensitive)) return true;
    return false;
}

void writeText(const QString& path, const QByteArray& bytes)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        throw InputError(path.toStdString(), "", "cannot write: " + f.errorString().toStdString());
}

[[noreturn]] void unknownKind(const QString& path, const char* kinds)
{
    throw InputError(path.toStdString(), "", std::string("unknown export format; expected ") + kinds);
}

QString stamp() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODate); }

} // namespace

bool isReportPath(const QString& path) { return hasSuffix(path, {".html", ".htm", ".pdf"}); }

void exportDesign(const QString& path, const Design& d, const QString& estimatorId)
{
    if (isReportPath(path)) {
        makeDesignReport(d, estimatorId).write(path);
        return;
    }
    auto est = createEstimator(estimatorId.toStdString());
    const Metrics m = est->evaluate(d, true);
    if (hasSuffix(path, {".json"}))
        writeText(path, QJsonDocument(evaluationJson(d, m, *est)).toJson(QJsonDocument::Indented));
    else if (hasSuffix(path, {".csv"}))
        writeText(path, QByteArray::fromStdString(evaluationCsv(m)));
    else
        unknownKind(path, ".html, .pdf, .csv or .json");
}

void exportComparison(const QString& path, const CompareModel& m, const QImage& chart)
{
    if (m.columnCount() == 0) throw InputError(path.toStdString(), "", "nothing to export: no designs are pinned");
    const auto& pins = m.pinned();
    if (isReportPath(path)) {
        QString h = reportHead("llmdse comparison");
        h += QString("<h1>Comparison of %1 designs</h1><p class=\"src\">llmdse report, %2</p>").arg(pins.size()).arg(stamp());
        h += "<h2>Metrics</h2>" + reportTable(m) + "<h2>Relative to the first design</h2><p>" + reportImage(chart) + "</p>";
        for (const auto& p : pins) {
            auto est = createEstimator(p.estimator.toStdString());
            h += "<h2>" + p.label.toHtmlEscaped() + "</h2><h3>Inputs</h3>" + designInputsHtml(p.design) +
                 "<h3>Provenance</h3>" +
                 designProvenanceHtml(p.design, QString::fromStdString(est->version()), QString::fromStdString(est->provenance()));
        }
        writeReportFile(path, "llmdse comparison", h + "</body></html>");
        return;
    }
    if (hasSuffix(path, {".json"})) {
        QJsonArray designs;
        for (const auto& p : pins) {
            auto est = createEstimator(p.estimator.toStdString());
            QJsonObject o = evaluationJson(p.design, p.metrics, *est);
            o.remove("ops");
            o["label"] = p.label;
            designs.append(o);
        }
        writeText(path, QJsonDocument(QJsonObject{{"comparison", designs}}).toJson(QJsonDocument::Indented));
    } else if (hasSuffix(path, {".csv"})) {
        // One row per metric, one column per design, SI units (the unit column says which).
        QString csv = "metric,unit";
        for (const auto& p : pins) csv += ",\"" + QString(p.label).replace('"', "\"\"") + "\"";
        csv += "\n";
        const char* units[] = {"s", "s", "s", "tokens/s", "J", "tokens/J", "W", "B", "mm2"};
        for (int r = 0; r < m.rowCount(); ++r) {
            csv += CompareModel::metricName(r) + "," + (r < 9 ? units[r] : "");
            for (int c = 0; c < m.columnCount(); ++c) {
                const double v = m.value(r, c);
                csv += "," + (std::isfinite(v) ? QString::number(v, 'g', 10) : QString());
            }
            csv += "\n";
        }
        writeText(path, csv.toUtf8());
    } else {
        unknownKind(path, ".html, .pdf, .csv or .json");
    }
}

void exportSweep(const QString& path, const SweepResults& r, const std::vector<std::int64_t>& front, const QImage& chart)
{
    if (r.size() == 0) throw InputError(path.toStdString(), "", "nothing to export: run a sweep first");
    const SweepSchema& sc = r.schema();
    if (isReportPath(path)) {
        QString h = reportHead("llmdse sweep");
        h += QString("<h1>Sweep of %L1 designs</h1><p class=\"src\">llmdse report, %2; estimator %3; study fingerprint %4</p>")
                 .arg(r.size())
                 .arg(stamp(), QString::fromStdString(sc.estimatorVersion).toHtmlEscaped(),
                      QString::fromStdString(sc.fingerprint).toHtmlEscaped());
        h += "<h2>Study</h2><pre>" +
             QString::fromUtf8(QJsonDocument::fromJson(QByteArray::fromStdString(sc.studyJson)).toJson(QJsonDocument::Indented))
                 .toHtmlEscaped() +
             "</pre>";
        h += "<h2>Designs and Pareto front</h2><p>" + reportImage(chart) + "</p>";
        // The Pareto front as a table: every axis and metric of each front point (SI units).
        QStandardItemModel t;
        QStringList header;
        for (const auto& n : sc.paramNames) header << QString::fromStdString(n);
        for (int m = 0; m < kMetricCount; ++m) header << QString("%1 [%2]").arg(metricName(MetricId(m)), metricUnit(MetricId(m)));
        t.setHorizontalHeaderLabels(header);
        const std::int64_t first = r.index(0);
        for (std::int64_t idx : front) {
            const size_t row = size_t(idx - first);
            if (row >= r.size()) continue;
            QList<QStandardItem*> cells;
            for (size_t a = 0; a < sc.paramNames.size(); ++a) cells << new QStandardItem(r.paramText(a, row));
            for (int m = 0; m < kMetricCount; ++m)
                cells << new QStandardItem(QString::number(r.metric(MetricId(m), row), 'g', 5));
            t.appendRow(cells);
            t.setVerticalHeaderItem(t.rowCount() - 1, new QStandardItem(QString::number(idx)));
        }
        h += QString("<h2>Pareto front (%1 points)</h2>").arg(front.size()) + reportTable(t);
        h += "<p class=\"src\">Every preset's source is listed by <code>llmdse zoo hardware</code>; "
             "values are stored as 32-bit floats in the workbench.</p>";
        writeReportFile(path, "llmdse sweep", h + "</body></html>");
        return;
    }
    if (!hasSuffix(path, {".csv", ".json", ".sqlite", ".db"})) unknownKind(path, ".html, .pdf, .csv, .json or .sqlite");
    auto sink = openSink(path.toStdString(), SinkMode::Overwrite);
    sink->begin(sc);
    std::vector<SweepRow> batch;
    batch.reserve(4096);
    for (size_t i = 0; i < r.size(); ++i) {
        SweepRow row;
        row.index = r.index(i);
        for (size_t a = 0; a < sc.paramNames.size(); ++a) row.params[a] = r.param(a, i);
        for (int m = 0; m < kMetricCount; ++m) row.metrics[size_t(m)] = r.metric(MetricId(m), i);
        if (!r.valid(i)) row.error = "invalid design";
        batch.push_back(std::move(row));
        if (batch.size() == 4096 || i + 1 == r.size()) {
            sink->write(batch);
            batch.clear();
        }
    }
    sink->writePareto(front);
    sink->finish();
}

} // namespace llmdse
