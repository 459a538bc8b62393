#include "ui/DesignReport.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/Estimator.h"
#include "models/DesignJson.h"
#include "ui/ReportFile.h"
#include "ui/ResultsView.h"

#include <QDateTime>
#include <QJsonObject>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }
const auto row = reportRow;

} // namespace

QString DesignReport::html() const
{
    const Design& d = design;
    const Metrics& m = metrics;
    QString h = reportHead("llmdse report");
    h += QString("<h1>%1 on %2</h1><p class=\"src\">llmdse report, %3; estimator %4</p>")
             .arg(q(d.model.id), q(d.hardware.name), QDateTime::currentDateTimeUtc().toString(Qt::ISODate),
                  estimatorVersion.toHtmlEscaped());
    h += "<h2>Inputs</h2>" + designInputsHtml(d);
    h += "<h2>Metrics</h2><table>";
    h += row("time to first token", q(formatSeconds(m.ttftS)));
    h += row("time per output token", q(formatSeconds(m.tpotS)));
    h += row("end-to-end latency", q(formatSeconds(m.e2eS)));
    h += row("decode throughput", q(formatSi(m.decodeTokensPerS, "tokens/s")));
    h += row("energy per token", q(formatSi(m.energyPerTokenJ, "J")));
    h += row("tokens per joule", QString::number(m.tokensPerJ, 'g', 4) + " tokens/J");
    h += row("average power", q(formatSi(m.avgPowerW, "W")) + QString(" (%1 device(s))").arg(m.devices));
    h += row("memory", q(m.memory.fitMessage()));
    if (m.areaMm2 >= 0) h += row("area", QString::number(m.areaMm2, 'f', 1) + " mm²");
    if (m.fpgaUtilisation >= 0) h += row("FPGA utilisation", QString::number(100 * m.fpgaUtilisation, 'f', 1) + "%");
    h += "</table><h2>Charts</h2><p>" + reportImage(breakdown) + "</p><p>" + reportImage(roofline) + "</p>";
    h += "<h2>Per operator</h2><p class=\"src\">prefill: whole phase; decode: one step; all layers</p><table>"
         "<tr><th>phase</th><th>op</th><th>count</th><th>FLOPs</th><th>bytes</th><th>time</th><th>bound</th></tr>";
    for (const OpCost& op : m.ops)
        h += QString("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td></tr>")
                 .arg(q(op.phase), q(op.name))
                 .arg(op.count)
                 .arg(q(formatSi(op.flops, "")), q(formatBytes(op.bytes)), q(formatSeconds(op.timeS)), toString(op.bound));
    h += "</table><h2>Provenance</h2>" + designProvenanceHtml(d, estimatorVersion, estimatorProvenance);
    h += "</body></html>";
    return h;
}

QString designInputsHtml(const Design& d)
{
    QString h = "<table>";
    const QJsonObject in = toJson(d);
    for (auto it = in.begin(); it != in.end(); ++it)
        h += row(it.key().toHtmlEscaped(), it.value().isString() ? it.value().toString().toHtmlEscaped()
                                           : it.value().isBool() ? QString(it.value().toBool() ? "true" : "false")
                                                                 : QString::number(it.value().toDouble(), 'g', 8));
    return h + "</table>";
}

QString designProvenanceHtml(const Design& d, const QString& estimatorVersion, const QString& estimatorProvenance)
{
    auto src = [](const QString& s) { return "<span class=\"src\">" + s + "</span>"; };
    QString h = "<table>";
    h += row("hardware " + q(d.hardware.id), src(q(d.hardware.source)));
    h += row("runtime " + q(d.runtime.id), src(q(d.runtime.provenance)));
    h += row("model " + q(d.model.id), src(q(d.model.source)));
    h += row("estimator " + estimatorVersion.toHtmlEscaped(),
             src(estimatorProvenance.isEmpty() ? QString("roofline + runtime profile (see runtime)")
                                               : estimatorProvenance.toHtmlEscaped()));
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
                   QString::fromStdString(est->provenance()), {}, {}};
    ResultsView view;
    view.resize(1400, 900);
    view.showEstimate(d, r.metrics, estimatorId);
    view.show(); // offscreen: lays the charts out so they render at their size
    r.breakdown = view.breakdownImage();
    r.roofline = view.rooflineImage();
    return r;
}

} // namespace llmdse
