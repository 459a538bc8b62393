#pragma once
// Whether a set of shard files covers a study exactly: which split they belong to,
// which files are left over from another split, and which points are missing,
// stored twice, or only partly evaluated. Pure logic over what each file says of itself.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace llmdse {

struct ShardFile {
    std::string path;
    std::int64_t begin = 0, end = 0; // the points the file was written for: [begin, end)
    std::int64_t rows = 0;           // points it holds in that range
    int index = -1, count = 0;       // slice index (0-based) of a count-way split; count 0: not recorded
    bool truncated = false;          // a text file cut off mid-write
    std::filesystem::file_time_type modified{};
};

struct ShardCoverage {
    int count = 0;                     // the split merged (0: not recorded in the files)
    std::vector<ShardFile> used;       // in index order
    std::vector<ShardFile> stale;      // written for another split: left out
    std::vector<std::string> problems; // "missing shard 3/8 (points ...)", "partial ...", "duplicated ..."
    std::vector<int> rerun;            // 1-based numbers of the missing and partial shards, when the split is known
};

// `total` < 0: unknown (text shards and no study), so the end is not checked.
// `wantCount` > 0 picks that split; 0 takes the split of the most recently written file.
ShardCoverage checkCoverage(std::vector<ShardFile> shards, std::int64_t total, int wantCount);

} // namespace llmdse
