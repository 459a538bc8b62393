#pragma once
// How serve-sim prints a serving simulation: the one-run tables, the load-sweep
// table with its knee, and the JSON of both.
#include "core/Design.h"
#include "estimators/serving/ServingStudy.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace llmdse {

struct ServingDescription {
    std::string estimator, stream, scheduler, servers;
};

QJsonObject servingJson(const ServingOutcome& o, const LatencySlo& slo);
void printServing(const Design& d, const ServingDescription& text, const ServingOutcome& o, const LatencySlo& slo);
// One row per load level; `unit` names the load ("requests/s" or "clients").
void printServingSweep(const Design& d, const ServingDescription& text, const std::vector<LoadPoint>& points,
                       const std::string& unit);

} // namespace llmdse
