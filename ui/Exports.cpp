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
#include "models/DesignFields.h"
#include "estimators/sweep/MetricColumns.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardItemModel>
#include <algorithm>
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

QString stamp() { return QDateTime::currentDateTimeUtc().toString("yyyy-MM-dd HH:mm"); }

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
        QStringList names;
        for (int c = 0; c < m.columnCount(); ++c) names << m.label(c).toHtmlEscaped();
        h += QString("<h1>Comparison of %1 designs</h1><p class=\"src\">llmdse comparison report, %2 UTC: %3</p>")
                 .arg(pins.size())
                 .arg(stamp(), names.join("; "));
        h += "<h2>Inputs and metrics</h2><p class=\"src\">Inputs that differ between the designs are in bold; "
             "⚠ marks a design that does not fit.</p>" +
             reportTable(m);
        h += "<h2>Relative to the first design</h2>" + reportImage(chart);
        h += reportSection("Provenance", true) +
             "<table width=\"100%\"><thead><tr><th>design</th><th>what</th><th>source</th></tr></thead>";
        for (int c = 0; c < m.columnCount(); ++c) {
            const auto& p = pins[size_t(c)];
            auto est = createEstimator(p.estimator.toStdString());
            const std::pair<QString, std::string> rows[] = {
                {"hardware " + QString::fromStdString(p.design.hardware.id), p.design.hardware.source},
                {"runtime " + QString::fromStdString(p.design.runtime.id), p.design.runtime.provenance},
                {"model " + QString::fromStdString(p.design.model.id), p.design.model.source},
                {"estimator " + QString::fromStdString(est->version()), est->provenance()}};
            for (const auto& [what, from] : rows)
                h += QString("<tr><td>%1</td><td>%2</td><td class=\"src\">%3</td></tr>")
                         .arg(m.label(c).toHtmlEscaped(), what.toHtmlEscaped(), QString::fromStdString(from).toHtmlEscaped());
        }
        writeReportFile(path, "llmdse comparison", h + "</table></body></html>");
        return;
    }
    if (hasSuffix(path, {".json"})) {
        QJsonArray designs;
        for (int c = 0; c < m.columnCount(); ++c) {
            const auto& p = pins[size_t(c)];
            auto est = createEstimator(p.estimator.toStdString());
            QJsonObject o = evaluationJson(p.design, p.metrics, *est);
            o.remove("ops");
            o["label"] = m.label(c);
            designs.append(o);
        }
        writeText(path, QJsonDocument(QJsonObject{{"comparison", designs}}).toJson(QJsonDocument::Indented));
    } else if (hasSuffix(path, {".csv"})) {
        // The inputs, then one row per metric in SI units (the unit column says which); one column per design.
        QString csv = "row,unit";
        for (int c = 0; c < m.columnCount(); ++c) csv += ",\"" + m.label(c).replace('"', "\"\"") + "\"";
        csv += "\n";
        for (int r = 0; r < m.inputRowCount(); ++r) {
            csv += m.inputKey(r) + ",";
            for (int c = 0; c < m.columnCount(); ++c) csv += ",\"" + m.inputText(r, c).replace('"', "\"\"") + "\"";
            csv += "\n";
        }
        for (int r = 0; r < CompareModel::metricCount(); ++r) {
            csv += CompareModel::metricName(r) + "," + CompareModel::metricUnit(r);
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
        const QJsonObject study = QJsonDocument::fromJson(QByteArray::fromStdString(sc.studyJson)).object();
        std::vector<MetricId> shown;
        auto show = [&shown](MetricId id) {
            if (std::find(shown.begin(), shown.end(), id) == shown.end()) shown.push_back(id);
        };
        QStringList objectives, constraints;
        for (const QJsonValue& o : study["objectives"].toArray()) {
            const QString name = o.toString();
            const MetricId id = parseMetric((name.startsWith('-') ? name.mid(1) : name).toStdString(), "objectives");
            show(id);
            objectives << QString("%1 %2").arg(name.startsWith('-') ? "maximise" : "minimise", metricTitle(id));
        }
        for (const QJsonValue& c : study["constraints"].toArray()) constraints << c.toString().toHtmlEscaped();
        for (MetricId id : {MetricId::TtftS, MetricId::TpotS, MetricId::DecodeTokensPerS, MetricId::TokensPerJ,
                            MetricId::AvgPowerW, MetricId::MemoryBytes})
            show(id);
        std::int64_t infeasible = 0;
        for (size_t i = 0; i < r.size(); ++i) infeasible += r.metric(MetricId::Fits, i) == 0;
        QString h = reportHead("llmdse sweep");
        h += QString("<h1>Sweep of %L1 designs</h1><p class=\"src\">llmdse sweep report, %2 UTC; estimator %3; study fingerprint %4</p>")
                 .arg(r.size())
                 .arg(stamp(), QString::fromStdString(sc.estimatorVersion).toHtmlEscaped(),
                      QString::fromStdString(sc.fingerprint).toHtmlEscaped());
        // Page 1: what was varied, what was sought, what came out, and the chart.
        QString params = "<table width=\"100%\"><thead><tr><th>parameter</th><th>values</th></tr></thead>";
        const QJsonObject grid = study["grid"].toObject();
        for (auto it = grid.begin(); it != grid.end(); ++it) {
            QStringList v;
            for (const QJsonValue& x : it.value().toArray())
                v << (x.isString() ? x.toString() : x.isBool() ? QString(x.toBool() ? "yes" : "no") : QString::number(x.toDouble(), 'g', 6));
            const DesignField* f = findDesignField(it.key().toStdString());
            params += QString("<tr><td>%1</td><td>%2%3</td></tr>")
                          .arg(it.key().toHtmlEscaped(), v.join(", ").toHtmlEscaped(),
                               f && !f->unit.empty() ? " " + QString::fromStdString(f->unit).toHtmlEscaped() : QString());
        }
        const QJsonObject random = study["random"].toObject();
        if (!random.isEmpty())
            params += QString("<tr><td>random samples</td><td>%1 of %2</td></tr>")
                          .arg(random["samples"].toInt())
                          .arg(QStringList(random["ranges"].toObject().keys()).join(", ").toHtmlEscaped());
        params += "</table>";
        QString outcome = "<table width=\"100%\"><thead><tr><th>outcome</th><th>value</th></tr></thead>";
        outcome += reportRow("points evaluated", QString("%L1").arg(r.size()));
        outcome += reportRow("do not fit (never on the front)", QString("%L1").arg(infeasible));
        outcome += reportRow("objectives", objectives.isEmpty() ? QString("none") : objectives.join("; ").toHtmlEscaped());
        outcome += reportRow("constraints", constraints.isEmpty() ? QString("none") : constraints.join("; "));
        outcome += reportRow("Pareto front", QString("%1 points").arg(front.size()));
        const QJsonObject base = study["base"].toObject();
        outcome += reportRow("base design", QString("%1 on %2").arg(base["model"].toString(), base["hardware"].toString()).toHtmlEscaped());
        outcome += "</table>";
        h += reportColumns("<h2>Parameters</h2>" + params, "<h2>Outcome</h2>" + outcome);
        h += "<h2>Designs and the Pareto front</h2>" + reportImage(chart);
        // The Pareto front as a table: every axis and the headline metrics, with units.
        QStandardItemModel t;
        QStringList header;
        for (const auto& n : sc.paramNames) header << QString::fromStdString(n);
        for (MetricId id : shown) header << metricTitle(id);
        t.setHorizontalHeaderLabels(header);
        const std::int64_t first = r.index(0);
        for (std::int64_t idx : front) {
            const size_t row = size_t(idx - first);
            if (row >= r.size()) continue;
            QList<QStandardItem*> cells;
            for (size_t a = 0; a < sc.paramNames.size(); ++a) cells << new QStandardItem(r.paramText(a, row));
            for (MetricId id : shown) {
                auto* cell = new QStandardItem(QString::fromStdString(formatMetric(id, r.metric(id, row))));
                cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                cells << cell;
            }
            t.appendRow(cells);
        }
        h += reportSection(QString("Pareto front (%1 points)").arg(front.size()), true) +
             "<p class=\"src\">Every point of the front; all points and metrics: export the sweep's data (CSV, JSON, SQLite).</p>" +
             reportTable(t);
        h += reportSection("The study as run", true) + "<pre class=\"src\">" +
             QString::fromUtf8(QJsonDocument(study).toJson(QJsonDocument::Indented)).toHtmlEscaped() + "</pre>";
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
