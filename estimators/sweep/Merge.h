#pragma once
// Combines shard outputs of one study (same format) into one file, after checking
// that they cover the study exactly. Never writes over one of its inputs.
#include <string>
#include <vector>

namespace llmdse {

struct MergeOptions {
    bool overwrite = false;    // replace an existing output (never an input)
    bool allowPartial = false; // merge despite missing, duplicated or partial shards; the result says so
    int shardCount = 0;        // merge the files of this split, ignoring others; 0: the newest file's split
    std::string studyFile;     // optional: CSV/JSON shards carry no study, so this gives the point count to cover
};

struct MergeSummary {
    long long rows = 0;
    long long paretoPoints = -1;       // -1: not recomputed
    size_t shards = 0;                 // files merged
    int shardCount = 0;                // their split (0: not recorded)
    std::vector<std::string> ignored;  // files of another split, each with why
    std::vector<std::string> problems; // what is missing or doubled, when merged anyway (allowPartial)
    std::vector<int> rerun;            // 1-based shard numbers to run again
    bool endChecked = true;            // false: text shards without a study, the last points cannot be checked
};

// InputError on mixed formats, different studies, gaps/duplicates/partial shards (without allowPartial),
// an output that is one of the inputs, or unreadable files.
MergeSummary mergeShards(const std::vector<std::string>& inputs, const std::string& out, const MergeOptions& opts);

} // namespace llmdse
