#pragma once
// A search's per-generation fronts beside a CSV or JSON output (FILE.generations.csv):
// generation, evaluations so far, feasible so far, hypervolume, the front's indices
// (space-separated). A .sqlite output keeps them in its generations / generation_front tables.
#include "estimators/sweep/SweepRunner.h"

#include <string>
#include <vector>

namespace llmdse {

// Whole or not at all; InputError naming the file when the write fails.
void writeGenerationsFile(const std::string& path, const std::vector<SearchGeneration>& generations);

} // namespace llmdse
