#include "estimators/sweep/ParetoFile.h"
#include "core/Errors.h"
#include "estimators/sweep/ResultSink.h"

#include <QSaveFile>
#include <cmath>
#include <filesystem>

namespace llmdse {

std::string paretoSidePath(const std::string& out)
{
    const std::string ext = std::filesystem::path(out).extension().string();
    if (ext != ".csv" && ext != ".json") return "";
    return out.substr(0, out.size() - ext.size()) + ".pareto" + ext;
}

void writeParetoFile(const std::string& path, const Study& study, const std::vector<ParetoPoint>& front)
{
    const bool json = std::filesystem::path(path).extension() == ".json";
    std::string text = json ? "[\n" : "index";
    if (!json)
        for (const auto& o : study.objectives) text += std::string(",") + metricName(o.metric);
    for (size_t p = 0; p < front.size(); ++p) {
        std::string row = json ? "{\"index\":" + std::to_string(front[p].index) : "\n" + std::to_string(front[p].index);
        for (size_t i = 0; i < study.objectives.size(); ++i) {
            const double v = study.objectives[i].maximise ? -front[p].objectives[i] : front[p].objectives[i];
            row += json ? std::string(",\"") + metricName(study.objectives[i].metric) + "\":" +
                              (std::isfinite(v) ? csvNumber(v) : "null")
                        : "," + csvNumber(v);
        }
        text += json ? row + (p + 1 < front.size() ? "},\n" : "}\n") : row;
    }
    text += json ? "]\n" : "\n";
    QSaveFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::WriteOnly))
        throw InputError(path, "", "cannot write the Pareto front: " + f.errorString().toStdString());
    const bool written = f.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size());
    if (!written || !f.commit())
        throw InputError(path, "", "cannot write the Pareto front: " + f.errorString().toStdString());
}

} // namespace llmdse
