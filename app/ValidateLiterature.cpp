#include "app/ValidateLiterature.h"
#include "core/Errors.h"
#include "estimators/Estimator.h"
#include "estimators/validation/LiteratureComparison.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace llmdse {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

std::string signedPct(double e) { return (e >= 0 ? "+" : "") + fmt(100 * e, 3) + "%"; }

} // namespace

void printLiteratureValidation(OutputFormat format, const std::string& cls, const std::string& rulesFile,
                               const std::string& estimator)
{
    static const char* const classes[] = {"cpu", "gpu", "fpga", "asic", "pim"};
    if (!cls.empty() && std::find(std::begin(classes), std::end(classes), cls) == std::end(classes))
        throw InputError("", "--class", "unknown class '" + cls + "' (expected cpu, gpu, fpga, asic or pim)");
    const LiteratureMappingRules rules =
        rulesFile.empty() ? bundledLiteratureMapping() : loadLiteratureMapping(rulesFile);
    std::vector<MappedLiteratureRow> mapped = mapLiterature(literaturePoints(), rules);
    if (!cls.empty()) std::erase_if(mapped, [&](const MappedLiteratureRow& r) { return r.cls != cls; });
    const EstimatorChoice est(estimator);
    const std::vector<LiteratureComparison> cmp = compareLiterature(est, mapped);
    const std::vector<LiteratureClassSummary> sums = summariseLiterature(cmp);

    if (format == OutputFormat::Json) {
        QJsonArray rows, classesOut;
        for (const auto& c : cmp) {
            const LiteraturePoint& p = *c.row.point;
            QJsonObject o{{"row", p.row}, {"class", q(c.row.cls)}, {"work", q(p.work)}, {"device", q(p.device)},
                          {"precision", q(p.precision)}, {"method", q(c.row.method)},
                          {"published_tokens_per_s", p.tokensPerS}, {"published_power_w", p.powerW},
                          {"compared", c.compared}, {"mapping", q(c.row.mapping)}};
            if (!c.row.design.isEmpty()) o["design"] = c.row.design;
            if (!c.excluded.empty()) o["excluded"] = q(c.excluded);
            if (c.row.unmapped.empty() && c.estimatedTokensPerS > 0) {
                o["estimated_tokens_per_s"] = c.estimatedTokensPerS;
                o["estimated_power_w"] = c.estimatedPowerW;
                o["tokens_per_s_error"] = c.tokensPerSError();
            }
            if (c.powerMeasured) {
                o["power_error"] = c.powerError();
                o["tokens_per_j_error"] = c.tokensPerJError();
            } else if (!c.row.powerAssumed.empty()) {
                o["power_not_measured"] = q(c.row.powerAssumed);
            }
            rows.append(o);
        }
        for (const auto& s : sums)
            classesOut.append(QJsonObject{{"class", q(s.cls)}, {"rows", s.rows}, {"mapped", s.mapped},
                                          {"compared", s.compared}, {"median_abs_error", s.medianAbsError},
                                          {"median_log_ratio", s.medianLogRatio}, {"within_25_percent", s.within25},
                                          {"within_2x", s.within2x}, {"power_rows", s.powerRows},
                                          {"median_abs_power_error", s.medianAbsPowerError},
                                          {"median_abs_tokens_per_j_error", s.medianAbsTokensPerJError}});
        const QJsonObject o{{"rules", q(rules.file)}, {"estimator", q(est.describe())}, {"rows", rows}, {"classes", classesOut}};
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        return;
    }
    TextTable t({"row", "class", "work", "device", "published tok/s", "estimated tok/s", "error", "power W",
                 "est. W", "power error", "mapping / why not compared"});
    for (const auto& c : cmp) {
        const LiteraturePoint& p = *c.row.point;
        const bool est = c.row.unmapped.empty() && c.estimatedTokensPerS > 0;
        t.add({std::to_string(p.row), c.row.cls, p.work, p.device.empty() ? "-" : p.device, fmt(p.tokensPerS, 4),
               est ? fmt(c.estimatedTokensPerS, 4) : "-", c.compared ? signedPct(c.tokensPerSError()) : "-",
               fmt(p.powerW, 4), est ? fmt(c.estimatedPowerW, 4) : "-",
               c.powerMeasured ? signedPct(c.powerError()) : "-",
               c.compared ? c.row.mapping : c.excluded});
    }
    std::fputs(t.render().c_str(), stdout);
    TextTable s({"class", "rows", "mapped", "compared", "median |error|", "bias (median ratio)", "within 25%",
                 "within 2x", "power rows", "median |power error|", "median |tokens/J error|"});
    for (const auto& c : sums)
        s.add({c.cls, std::to_string(c.rows), std::to_string(c.mapped), std::to_string(c.compared),
               c.compared ? fmt(100 * c.medianAbsError, 3) + "%" : "-",
               c.compared ? fmt(std::exp(c.medianLogRatio), 3) + "x" : "-",
               c.compared ? fmt(100 * c.within25, 3) + "%" : "-", c.compared ? fmt(100 * c.within2x, 3) + "%" : "-",
               std::to_string(c.powerRows), c.powerRows ? fmt(100 * c.medianAbsPowerError, 3) + "%" : "-",
               c.powerRows ? fmt(100 * c.medianAbsTokensPerJError, 3) + "%" : "-"});
    std::printf("\nDecode tokens/s per class (rows compared: mapped, plain decoding, physically reachable; estimator: %s):\n",
                est.describe().c_str());
    std::fputs(s.render().c_str(), stdout);
}

} // namespace llmdse
