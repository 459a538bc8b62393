#include "estimators/search/GenerationsFile.h"
#include "core/Errors.h"
#include "estimators/sweep/ResultSink.h"

#include <QSaveFile>

namespace llmdse {

void writeGenerationsFile(const std::string& path, const std::vector<SearchGeneration>& generations)
{
    std::string text = "generation,evaluations,feasible,hypervolume,front\n";
    for (const auto& g : generations) {
        text += std::to_string(g.generation) + "," + std::to_string(g.evaluations) + "," + std::to_string(g.feasible) +
                "," + csvNumber(g.hypervolume) + ",";
        for (size_t i = 0; i < g.front.size(); ++i) text += (i ? " " : "") + std::to_string(g.front[i].index);
        text += "\n";
    }
    QSaveFile f(QString::fromStdString(path));
    const bool written = f.open(QIODevice::WriteOnly) &&
                         f.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size()) &&
                         f.commit();
    if (!written) throw InputError(path, "", "cannot write the generations: " + f.errorString().toStdString());
}

} // namespace llmdse
