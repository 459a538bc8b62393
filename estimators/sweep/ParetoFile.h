#pragma once
// The Pareto front of a CSV or JSON sweep, written beside it in the same format
// (FILE.pareto.csv / FILE.pareto.json): the index and the objectives' values per point.
// SQLite results keep the front in their own 'pareto' table instead.
#include "estimators/sweep/Pareto.h"
#include "estimators/sweep/Study.h"

#include <string>
#include <vector>

namespace llmdse {

// "r.csv" -> "r.pareto.csv"; "" for SQLite outputs.
std::string paretoSidePath(const std::string& out);
// Whole or not at all (written to a temporary, then renamed); InputError naming the file when the write fails.
void writeParetoFile(const std::string& path, const Study& study, const std::vector<ParetoPoint>& front);

} // namespace llmdse
