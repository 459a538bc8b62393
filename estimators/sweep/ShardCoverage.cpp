#include "estimators/sweep/ShardCoverage.h"
#include "estimators/sweep/SweepRunner.h"

#include <algorithm>
#include <set>

namespace llmdse {

namespace {

std::string points(std::int64_t begin, std::int64_t end)
{
    return end - begin == 1 ? "point " + std::to_string(begin)
                            : "points " + std::to_string(begin) + ".." + std::to_string(end - 1);
}

std::string shardLabel(const ShardFile& f)
{
    return f.count > 0 ? "shard " + std::to_string(f.index + 1) + "/" + std::to_string(f.count) + " (" + f.path + ")"
                       : f.path;
}

int chooseSplit(const std::vector<ShardFile>& shards, int wantCount)
{
    if (wantCount > 0) return wantCount;
    const ShardFile* newest = nullptr;
    for (const auto& f : shards)
        if (f.count > 0 && (!newest || f.modified > newest->modified)) newest = &f;
    return newest ? newest->count : 0;
}

} // namespace

ShardCoverage checkCoverage(std::vector<ShardFile> shards, std::int64_t total, int wantCount)
{
    ShardCoverage c;
    c.count = chooseSplit(shards, wantCount);
    for (auto& f : shards) (f.count > 0 && c.count > 0 && f.count != c.count ? c.stale : c.used).push_back(f);
    std::sort(c.used.begin(), c.used.end(), [](const ShardFile& a, const ShardFile& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end != b.end ? a.end < b.end : a.path < b.path;
    });
    std::set<int> rerun;
    auto missing = [&](std::int64_t a, std::int64_t b) {
        if (c.count > 0 && total >= 0) {
            for (int k = 0; k < c.count; ++k) {
                const auto [sb, se] = shardRange(total, k, c.count);
                if (sb < se && sb < b && se > a) {
                    c.problems.push_back("missing shard " + std::to_string(k + 1) + "/" + std::to_string(c.count) + " (" +
                                         points(std::max(sb, a), std::min(se, b)) + ")");
                    rerun.insert(k + 1);
                }
            }
        } else {
            c.problems.push_back("missing " + points(a, b));
        }
    };
    std::int64_t cursor = 0;
    const ShardFile* previous = nullptr;
    for (const auto& f : c.used) {
        if (f.begin >= f.end) continue; // an empty shard (more shards than points) covers nothing
        if (f.begin > cursor) missing(cursor, f.begin);
        if (previous && f.begin < cursor)
            c.problems.push_back(previous->begin == f.begin && previous->end == f.end
                                     ? "duplicated: " + shardLabel(*previous) + " and " + f.path + " hold the same points"
                                     : "overlap: " + previous->path + " and " + f.path + " both hold " +
                                           points(f.begin, std::min(cursor, f.end)));
        if (f.truncated || f.rows < f.end - f.begin) {
            c.problems.push_back("partial " + shardLabel(f) + ": " +
                                 (f.truncated ? "cut off mid-write after point " + std::to_string(f.end - 1)
                                              : "holds " + std::to_string(f.rows) + " of " +
                                                    std::to_string(f.end - f.begin) + " points"));
            if (f.count > 0) rerun.insert(f.index + 1);
        }
        cursor = std::max(cursor, f.end);
        if (!previous || f.end >= previous->end) previous = &f;
    }
    if (total >= 0 && cursor < total) missing(cursor, total);
    c.rerun.assign(rerun.begin(), rerun.end());
    return c;
}

} // namespace llmdse
