#pragma once
// Combines shard outputs of one study (same format) into one file.
#include <string>
#include <vector>

namespace llmdse {

struct MergeSummary {
    long long rows = 0;
    long long paretoPoints = -1; // -1: not recomputed
};

// InputError on mixed formats, different studies, overlapping CSV/JSON shards, or unreadable files.
MergeSummary mergeShards(const std::vector<std::string>& inputs, const std::string& out, bool overwrite);

} // namespace llmdse
