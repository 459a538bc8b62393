// llmdse serve-validate: serve-sim against published serving results, per run and metric, and the
// median |error| per metric group.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/Statistics.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/validation/PublishedServing.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace llmdse {

namespace {

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Compare serve-sim with published serving benchmarks: per run and metric, and the median\n"
                                     "absolute error per metric group (TTFT, ITL/TPOT, E2E, request and token throughput).\n"
                                     "Example: llmdse serve-validate --match nim");
    parser.addHelpOption();
    parser.addOption({"data", "Published runs (JSON, as resources/validation/serving-published.json, the default).", "file"});
    parser.addOption({"match", "Only runs whose id contains this text.", "text"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        const std::string data = parser.isSet("data") ? parser.value("data").toStdString()
                                                      : std::string(":/validation/serving-published.json");
        const std::string match = parser.value("match").toStdString();
        AnalyticalEstimator est;
        TextTable t({"run", "metric", "published", "predicted", "error"});
        QJsonArray rows;
        std::map<std::string, std::vector<double>> errors;
        std::vector<double> all;
        for (const auto& r : loadPublishedServing(data)) {
            if (!match.empty() && r.id.find(match) == std::string::npos) continue;
            for (const auto& c : predictPublishedServing(est, r)) {
                const double e = c.error();
                errors[servingMetricGroup(c.metric)].push_back(std::abs(e));
                all.push_back(std::abs(e));
                t.add({c.run, c.metric, fmt(c.published), fmt(c.predicted), fmt(100 * e, 3) + "%"});
                rows.append(QJsonObject{{"run", QString::fromStdString(c.run)},
                                        {"framework", QString::fromStdString(r.framework)},
                                        {"metric", QString::fromStdString(c.metric)},
                                        {"published", c.published},
                                        {"predicted", c.predicted},
                                        {"error", e}});
            }
        }
        if (all.empty()) throw InputError(data, "--match", "no run matches '" + match + "'");
        TextTable g({"metric group", "values", "median |error|"});
        QJsonObject groups;
        for (const auto& [name, v] : errors) {
            g.add({name, std::to_string(v.size()), fmt(100 * median(v), 3) + "%"});
            groups[QString::fromStdString(name)] = QJsonObject{{"values", double(v.size())}, {"median_abs_error", median(v)}};
        }
        g.add({"all", std::to_string(all.size()), fmt(100 * median(all), 3) + "%"});
        if (format == OutputFormat::Json) {
            QJsonObject o{{"comparisons", rows}, {"groups", groups}, {"median_abs_error", median(all)}};
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        } else {
            std::fputs(t.render().c_str(), stdout);
            std::printf("\n");
            std::fputs(g.render().c_str(), stdout);
        }
        return 0;
    });
}

const bool registered = registerCommand(
    {"serve-validate", "Compare serve-sim with published serving benchmarks (TTFT, ITL, E2E, throughput; median |error|).", run});

} // namespace
} // namespace llmdse
