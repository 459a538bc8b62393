#pragma once
// A workspace saved as one SQLite file (WAL): the docks' design, the pinned
// comparison, the Sweep view's study and its results. Saving is one
// transaction, so a crash or kill during a save leaves the previous save intact.
#include "ui/SweepResults.h"

#include <QJsonObject>
#include <QString>
#include <memory>
#include <vector>

namespace llmdse {

struct ProjectPin {
    QString label;
    QJsonObject design; // design-file keys
    QString estimator;
};

struct Project {
    QJsonObject design;  // design-file keys plus "_estimator"
    std::vector<ProjectPin> pinned;
    QString studyText;   // the Sweep view's editor, as typed
    std::shared_ptr<SweepResults> sweep;    // null: no results
    std::vector<std::int64_t> front;           // Pareto front of `sweep` (point indices)
};

// Throws InputError naming the file when it cannot be written, or when it
// exists and is not an llmdse project (it is never overwritten then).
void saveProject(const QString& path, const Project& p);
// Throws InputError naming the file and the table or field at fault.
Project loadProject(const QString& path);

} // namespace llmdse
