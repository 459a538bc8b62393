#include "ui/DesignReport.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/Estimator.h"
#include "estimators/analytical/FitAdvice.h"
#include "models/DesignFields.h"
#include "models/DesignJson.h"
#include "ui/HeadlineMetrics.h"
#include "ui/OpTableModel.h"
#include "ui/ReportFile.h"
#include "ui/ResultsView.h"

#include <QDateTime>
#include <QJsonObject>
#include <utility>
#include <vector>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

} // namespace

QString DesignReport::html() const
{
    const Design& d = design;
    const Metrics& m = metrics;
    QString h = reportHead("llmdse report");
    h += QString("<h1>%1 on %2</h1><p class=\"src\">llmdse design report, %3 UTC; estimator %4; %5 device(s)</p>")
             .arg(q(d.model.id), q(d.hardware.name), QDateTime::currentDateTimeUtc().toString("yyyy-MM-dd HH:mm"),
                  estimatorVersion.toHtmlEscaped())
             .arg(m.devices);
    if (!designFits(m)) {
        h += "<p class=\"bad\">This design does not fit: " + q(infeasibility(m)) + ".";
        const auto remedies = fitRemedies(d);
        QStringList r;
        for (const auto& s : remedies) r << q(s);
        if (!r.isEmpty()) h += " It would fit with any one of: " + r.join("; ") + ".";
        h += " The figures are what it would do if it fit.</p>";
    }
    h += "<h2>Inputs</h2>" + designInputsHtml(d, estimator, false) + "<h2>Headline metrics</h2>" + designMetricsHtml(m, &uncertainty);
    h += "<h2>Where the time goes</h2>" + reportImage(breakdown, 0.62); // small enough to stay on the first page
    h += reportSection("Roofline and operators", true) + reportImage(roofline, 0.85);
    OpTableModel ops;
    ops.setOps(m.ops);
    h += "<p class=\"src\">One row per operator, all layers together; prefill: the whole prompt, decode: one step.</p>" +
         reportTable(ops);
    h += reportSection("Provenance", true) + designProvenanceHtml(d, estimatorVersion, estimatorProvenance);
    h += "<h2>Inputs and their meaning</h2>" + designInputsHtml(d, estimator, true);
    h += "</body></html>";
    return h;
}

QString designInputsHtml(const Design& d, const QString& estimator, bool withMeaning)
{
    struct Row {
        QString key, value, meaning;
    };
    std::vector<Row> rows;
    QJsonObject in = toJson(d);
    in["model"] = QString::fromStdString(d.model.id); // a config's id, not its path (the provenance has the source)
    for (auto it = in.begin(); it != in.end(); ++it) {
        const DesignField* f = findDesignField(it.key().toStdString());
        const QJsonValue& v = it.value();
        QString value = v.isString() ? v.toString().toHtmlEscaped()
                        : v.isBool() ? QString(v.toBool() ? "yes" : "no")
                                     : QString::fromStdString(formatNumber(v.toDouble()));
        if (f && !f->unit.empty()) value += " " + q(f->unit);
        rows.push_back({it.key().toHtmlEscaped(), value, f ? q(f->help) : QString()});
    }
    if (!estimator.isEmpty()) rows.push_back({"estimator", estimator.toHtmlEscaped(), "how the figures are computed"});
    const QString cell("<td>%1</td><td align=\"right\" style=\"white-space:nowrap\">%2</td>");
    if (withMeaning) {
        QString h = "<table width=\"100%\"><thead><tr><th>input</th><th>value</th><th>meaning</th></tr></thead>";
        for (const Row& r : rows) h += "<tr>" + cell.arg(r.key, r.value) + "<td class=\"src\">" + r.meaning + "</td></tr>";
        return h + "</table>";
    }
    // Two inputs a row, so the first page holds them, the headline metrics and the time chart; the
    // provenance page lists each input's meaning.
    QString h = "<table width=\"100%\"><thead><tr><th>input</th><th>value</th><th>input</th><th>value</th></tr></thead>";
    const size_t half = (rows.size() + 1) / 2;
    for (size_t r = 0; r < half; ++r) {
        h += "<tr>";
        for (size_t i : {r, r + half}) h += i < rows.size() ? cell.arg(rows[i].key, rows[i].value) : QString("<td></td><td></td>");
        h += "</tr>";
    }
    return h + "</table>";
}

QString designMetricsHtml(const Metrics& m, const Uncertainty* u)
{
    std::vector<std::pair<QString, QString>> rows;
    for (const Headline& x : headlineMetrics(m, u)) rows.push_back({x.title().toHtmlEscaped(), headlineText(x).toHtmlEscaped()});
    if (m.fpgaUtilisation >= 0) rows.push_back({"FPGA utilisation", QString::number(100 * m.fpgaUtilisation, 'f', 1) + " %"});
    rows.push_back({"prefill", q(formatSeconds(m.prefill.timeS))});
    rows.push_back({"decode, all steps", q(formatSeconds(m.decodeTotal.timeS))});
    rows.push_back({"energy per request", q(formatSi(m.totalEnergyJ, "J"))});
    // Two metrics a row: the first page holds the inputs, these and the time chart.
    QString h = "<table width=\"100%\"><thead><tr><th>metric</th><th>value</th><th>metric</th><th>value</th></tr></thead>";
    const size_t half = (rows.size() + 1) / 2;
    for (size_t r = 0; r < half; ++r) {
        h += "<tr>";
        for (size_t i : {r, r + half})
            h += i < rows.size() ? QString("<td style=\"white-space:nowrap\">%1</td><td align=\"right\" style=\"white-space:nowrap\">%2</td>").arg(rows[i].first, rows[i].second)
                                 : QString("<td></td><td></td>");
        h += "</tr>";
    }
    const bool intervals = u && !u->intervals.empty();
    return h + "</table><p class=\"src\">" +
           (intervals ? QString("In brackets: the %1% interval, from %2.").arg(100 * u->level, 0, 'g', 3).arg(q(u->basis))
                      : QString("This estimate carries no interval.")) +
           "</p>";
}

QString designProvenanceHtml(const Design& d, const QString& estimatorVersion, const QString& estimatorProvenance)
{
    auto src = [](const QString& s) { return "<span class=\"src\">" + s + "</span>"; };
    QString h = "<table width=\"100%\"><thead><tr><th>what</th><th>source</th></tr></thead>";
    auto row = [&](const QString& what, const QString& from) { h += "<tr><td>" + what + "</td><td>" + src(from) + "</td></tr>"; };
    row("hardware " + q(d.hardware.id), q(d.hardware.source));
    row("runtime " + q(d.runtime.id), q(d.runtime.provenance));
    row("model " + q(d.model.id), q(d.model.source));
    row("estimator " + estimatorVersion.toHtmlEscaped(),
        estimatorProvenance.isEmpty() ? QString("roofline + runtime profile (see runtime)") : estimatorProvenance.toHtmlEscaped());
    return h + "</table>";
}

void DesignReport::write(const QString& path) const
{
    writeReportFile(path, "llmdse report: " + QString::fromStdString(design.model.id + " on " + design.hardware.id), html());
}

DesignReport makeDesignReport(const Design& d, const QString& estimatorId)
{
    auto est = createEstimator(estimatorId.toStdString());
    DesignReport r{d, est->evaluate(d, true), estimatorId, QString::fromStdString(est->version()),
                   QString::fromStdString(est->provenance()), {}, {}, {}};
    r.uncertainty = estimateUncertainty(*est, d, r.metrics);
    ResultsView view;
    view.resize(1400, 1000);
    view.showEstimate(d, r.metrics, estimatorId, r.uncertainty);
    view.show(); // offscreen: lays the charts out so they render at their size
    r.breakdown = view.breakdownImage(QSize(900, 200)); // two bars: a wide, short chart keeps it on the first page
    r.roofline = view.rooflineImage(QSize(900, 560));
    return r;
}

} // namespace llmdse
