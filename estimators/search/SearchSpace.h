#pragma once
// Reading a study's "search" and "space": every space entry becomes a list of levels (a Grid
// axis), so any point of the space is a grid index of the study and the sweep machinery
// (point generator, sinks, resume, merge) applies unchanged.
#include "estimators/sweep/Study.h"
#include "core/Json.h"

namespace llmdse {

// Throws InputError naming search.<key> and the reason.
SearchSpec parseSearchSpec(const JsonReader& r);

// Entries: [v1, v2, ...] | {"values": [...]} | {"min", "max", "step"} | {"min", "max", "log": true,
// "factor" (default 2) or "levels"}. Multiplies `size` by each axis's level count; throws
// InputError(space.<key>) for what it cannot read and when the space exceeds 2^62 points.
std::vector<StudyAxis> parseSearchSpace(const JsonReader& r, std::int64_t& size);

// Genes (level per axis) <-> grid index, the last axis varying fastest as PointGenerator reads it.
std::int64_t spaceIndex(const std::vector<StudyAxis>& axes, const int* genes);
void spaceGenes(const std::vector<StudyAxis>& axes, std::int64_t index, int* genes);

} // namespace llmdse
