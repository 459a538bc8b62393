#include "estimators/sweep/Merge.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "estimators/storage/SqliteDatabase.h"
#include "estimators/sweep/OutputFile.h"
#include "estimators/sweep/Pareto.h"
#include "estimators/sweep/ShardCoverage.h"
#include "estimators/sweep/SqliteSink.h"
#include "estimators/sweep/Study.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>

namespace llmdse {

namespace {

std::string extension(const std::string& p) { return std::filesystem::path(p).extension().string(); }

std::string joined(const std::vector<std::string>& parts, const char* sep)
{
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : sep) + p;
    return s;
}

std::string numbers(const std::vector<int>& v)
{
    std::string s;
    for (int k : v) s += (s.empty() ? "" : ",") + std::to_string(k);
    return s;
}

std::int64_t wholeNumber(const std::string& text, const std::string& file, const std::string& field)
{
    try {
        size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used == text.size() && v >= 0) return v;
    } catch (const std::exception&) {
    }
    throw InputError(file, field, "'" + text + "' is not a point count or index");
}

// What a sweep database says of itself (meta), and how many of its points it holds.
struct SqliteShard {
    ShardFile file;
    std::string fingerprint, studyJson, intervals;
    std::int64_t total = 0;
};

SqliteShard readSqliteShard(const std::string& path)
{
    SqliteDatabase db(path, SqliteDatabase::Access::ReadOnly);
    if (!db.tableExists("points") || !db.tableExists("meta")) throw InputError(path, "points", "not a llmdse sweep database");
    auto meta = [&](const char* key) {
        SqliteStatement q(db, "SELECT value FROM meta WHERE key=?");
        q.bind(1, std::string(key));
        return q.step() ? q.columnText(0) : std::string();
    };
    SqliteShard s;
    s.file.path = path;
    s.fingerprint = meta("fingerprint");
    s.studyJson = meta("study");
    s.intervals = meta("intervals");
    s.total = wholeNumber(meta("total_points"), path, "meta.total_points");
    const std::string range = meta("shard");
    const auto colon = range.find(':');
    if (colon == std::string::npos) throw InputError(path, "meta.shard", "'" + range + "' is not a point range begin:end");
    s.file.begin = wholeNumber(range.substr(0, colon), path, "meta.shard");
    s.file.end = wholeNumber(range.substr(colon + 1), path, "meta.shard");
    const std::string of = meta("shard_of"); // "K/N"; absent in files from before it was recorded
    if (const auto slash = of.find('/'); slash != std::string::npos) {
        s.file.index = static_cast<int>(wholeNumber(of.substr(0, slash), path, "meta.shard_of")) - 1;
        s.file.count = static_cast<int>(wholeNumber(of.substr(slash + 1), path, "meta.shard_of"));
    }
    SqliteStatement count(db, "SELECT COUNT(*) FROM points WHERE idx >= ? AND idx < ?");
    count.bind(1, s.file.begin);
    count.bind(2, s.file.end);
    count.step();
    s.file.rows = count.columnInt(0);
    std::error_code ec;
    s.file.modified = std::filesystem::last_write_time(path, ec);
    return s;
}

MergeSummary refuseOrNote(const ShardCoverage& c, const MergeOptions& opts)
{
    MergeSummary s;
    s.shards = c.used.size();
    s.shardCount = c.count;
    for (const auto& f : c.stale)
        s.ignored.push_back(f.path + ": shard " + std::to_string(f.index + 1) + "/" + std::to_string(f.count) +
                            " of another split (a stale file?); merging the " + std::to_string(c.count) + "-shard split");
    s.problems = c.problems;
    s.rerun = c.rerun;
    if (!c.problems.empty() && !opts.allowPartial)
        throw InputError("", "shards",
                         "the files do not cover the study exactly: " + joined(c.problems, "; ") +
                             (c.rerun.empty() ? std::string()
                                              : ". Run shard" + std::string(c.rerun.size() > 1 ? "s " : " ") +
                                                    numbers(c.rerun) + " of " + std::to_string(c.count) +
                                                    " again (sweep --shard K/" + std::to_string(c.count) + " --resume)") +
                             ", or pass --allow-partial to merge what there is");
    return s;
}

MergeSummary mergeSqlite(const std::vector<std::string>& inputs, const std::string& out, const MergeOptions& opts)
{
    std::vector<SqliteShard> shards;
    for (const auto& in : inputs) {
        shards.push_back(readSqliteShard(in));
        if (shards.back().fingerprint != shards.front().fingerprint)
            throw InputError(in, "meta.fingerprint", "comes from a different study than " + inputs.front());
        if (shards.back().total != shards.front().total)
            throw InputError(in, "meta.total_points", "differs from " + inputs.front());
        if (shards.back().intervals != shards.front().intervals)
            throw InputError(in, "meta.intervals",
                             std::string(shards.back().intervals.empty() ? "has no" : "has") +
                                 " interval columns (sweep --uncertainty) and " + inputs.front() +
                                 (shards.front().intervals.empty() ? " has none" : " has them") +
                                 "; run every shard with the same options");
    }
    if (!opts.studyFile.empty() && readStudyFile(opts.studyFile).fingerprint() != shards.front().fingerprint)
        throw InputError(inputs.front(), "meta.fingerprint", "comes from another study than --study " + opts.studyFile);
    std::vector<ShardFile> files;
    for (const auto& s : shards) files.push_back(s.file);
    const std::int64_t total = shards.front().total;
    const ShardCoverage coverage = checkCoverage(files, total, opts.shardCount);
    if (coverage.used.empty()) throw InputError("", "shards", "no file belongs to the " + std::to_string(opts.shardCount) + "-shard split");
    MergeSummary s = refuseOrNote(coverage, opts);
    const std::string studyJson = shards.front().studyJson;
    if (opts.overwrite) removeOutput(out, "--overwrite");

    SqliteDatabase db(out);
    {
        SqliteDatabase first(coverage.used.front().path, SqliteDatabase::Access::ReadOnly);
        SqliteStatement schema(first, "SELECT sql FROM sqlite_master WHERE type='table' AND name IN ('meta','points','pareto')");
        std::vector<std::string> creates;
        while (schema.step()) creates.push_back(schema.columnText(0));
        db.exec("BEGIN IMMEDIATE");
        for (const auto& c : creates) db.exec(c);
        copyRows(first, "SELECT key, value FROM meta", db, "INSERT INTO meta(key, value) VALUES(?, ?)");
        // The merged file is the whole study as one shard (so `sweep --resume` can fill in what a partial merge lacks).
        SqliteStatement put(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
        std::vector<std::pair<std::string, std::string>> meta{
            {"shard", "0:" + std::to_string(total)}, {"shard_of", shardName(0, 1)},
            {"merged_from", std::to_string(coverage.used.size()) + " shards" +
                                (coverage.count > 0 ? " of " + std::to_string(coverage.count) : std::string())}};
        if (!coverage.problems.empty()) meta.emplace_back("partial", joined(coverage.problems, "; "));
        for (const auto& [k, v] : meta) {
            put.bind(1, k);
            put.bind(2, v);
            put.step();
            put.reset();
        }
        db.exec("COMMIT");
    }
    SqliteStatement probe(db, "SELECT * FROM points LIMIT 0");
    std::string insert = "INSERT OR IGNORE INTO points VALUES(?";
    for (int c = 1; c < sqlite3_column_count(probe.handle()); ++c) insert += ",?";
    insert += ")";
    for (const auto& f : coverage.used) {
        SqliteDatabase in(f.path, SqliteDatabase::Access::ReadOnly);
        db.exec("BEGIN IMMEDIATE");
        try {
            copyRows(in, "SELECT * FROM points", db, insert);
            db.exec("COMMIT");
        } catch (...) {
            db.rollback();
            throw;
        }
    }
    SqliteStatement count(db, "SELECT COUNT(*) FROM points");
    count.step();
    s.rows = count.columnInt(0);

    // Recompute the front over all shards from the study's objectives.
    const Study study = parseStudy(parseJsonObject(QByteArray::fromStdString(studyJson), out + ":meta.study"), out);
    if (!study.objectives.empty()) {
        std::string sql = "SELECT idx";
        for (const auto& o : study.objectives) sql += ", " + sqlIdentifier(metricName(o.metric));
        SqliteStatement rows(db, sql + " FROM points WHERE error IS NULL AND fits = 1");
        ParetoFront front(static_cast<int>(study.objectives.size()));
        std::vector<double> v(study.objectives.size());
        while (rows.step()) {
            for (size_t i = 0; i < v.size(); ++i)
                v[i] = (study.objectives[i].maximise ? -1 : 1) * rows.columnDouble(static_cast<int>(i) + 1);
            front.offer(rows.columnInt(0), v.data());
        }
        db.exec("BEGIN IMMEDIATE");
        db.exec("DELETE FROM pareto");
        SqliteStatement ins(db, "INSERT INTO pareto(idx) VALUES(?)");
        for (const auto& p : front.points()) {
            ins.bind(1, static_cast<std::int64_t>(p.index));
            ins.step();
            ins.reset();
        }
        db.exec("COMMIT");
        s.paretoPoints = static_cast<long long>(front.size());
    }
    return s;
}

std::optional<long long> leadingIndex(const std::string& line)
{
    const auto p = line.find_first_of("0123456789");
    if (p == std::string::npos) return std::nullopt;
    try {
        return std::stoll(line.substr(p, 19));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// A text shard: header, then one point per line in index order. A file cut off mid-write
// (no final newline for CSV, no closing bracket for JSON) loses its unfinished last line.
struct TextShard {
    ShardFile file;
    std::string header;
    bool dropLast = false; // the last line is unfinished
};

TextShard scanText(const std::string& path, bool json)
{
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(path, "", "cannot read");
    TextShard t;
    t.file.path = path;
    std::getline(f, t.header);
    if (json ? t.header != "[" : t.header.rfind("index,", 0) != 0)
        throw InputError(path, "", json ? "not a llmdse sweep JSON file" : "not a llmdse sweep CSV file (header must start with 'index,')");
    std::string line;
    long long last = -1;
    bool closed = false;
    std::int64_t lineNo = 1;
    while (std::getline(f, line)) {
        ++lineNo;
        const bool newline = !f.eof();
        const bool lastLine = !newline || f.peek() == EOF;
        if (line.empty()) continue;
        if (json && line == "]") {
            closed = true;
            continue;
        }
        // A complete JSON point ends with '}' (and a ',' before the next one).
        if (json ? lastLine && line.back() != '}' && line.back() != ',' : !newline) {
            t.dropLast = true;
            break;
        }
        const auto idx = leadingIndex(line);
        if (!idx || *idx <= last)
            throw InputError(path, "line " + std::to_string(lineNo),
                             idx ? "point index " + std::to_string(*idx) + " out of order" : "no point index");
        if (t.file.rows == 0) t.file.begin = *idx;
        last = *idx;
        ++t.file.rows;
    }
    t.file.end = t.file.rows ? last + 1 : t.file.begin;
    t.file.truncated = t.dropLast || (json && !closed);
    return t;
}

MergeSummary mergeText(const std::vector<std::string>& inputs, const std::string& out, bool json, const MergeOptions& opts)
{
    std::vector<TextShard> shards;
    for (const auto& in : inputs) {
        shards.push_back(scanText(in, json));
        if (!json && shards.back().header != shards.front().header)
            throw InputError(in, "header", "columns differ from " + inputs.front());
    }
    std::vector<ShardFile> files;
    for (const auto& t : shards) files.push_back(t.file);
    const std::int64_t total = opts.studyFile.empty() ? -1 : readStudyFile(opts.studyFile).totalPoints();
    const ShardCoverage coverage = checkCoverage(files, total, 0);
    MergeSummary s = refuseOrNote(coverage, opts);
    s.endChecked = total >= 0;
    if (opts.overwrite) removeOutput(out, "--overwrite");
    std::ofstream o(out, std::ios::binary);
    if (!o) throw InputError(out, "", "cannot write: " + writeFailure(errno));
    o << shards.front().header << "\n";
    long long last = -1;
    bool first = true;
    for (const auto& used : coverage.used) {
        const TextShard& sh = *std::find_if(shards.begin(), shards.end(), [&](const TextShard& t) { return t.file.path == used.path; });
        std::ifstream f(sh.file.path, std::ios::binary);
        std::string line;
        std::getline(f, line);
        for (std::int64_t copied = 0; copied < sh.file.rows && std::getline(f, line);) {
            if (line.empty() || line == "]") continue;
            ++copied;
            const long long idx = *leadingIndex(line);
            if (idx <= last) continue; // held twice (merged anyway): keep the first copy
            last = idx;
            if (json) {
                if (line.back() == ',') line.pop_back();
                o << (first ? "" : ",\n") << line;
            } else {
                o << line << "\n";
            }
            first = false;
            ++s.rows;
        }
    }
    if (json) o << "\n]\n";
    o.flush();
    if (!o) throw InputError(out, "", writeFailure(errno));
    return s;
}

} // namespace

MergeSummary mergeShards(const std::vector<std::string>& inputs, const std::string& out, const MergeOptions& opts)
{
    if (inputs.empty()) throw InputError("", "inputs", "give the shard files to merge");
    const std::string ext = extension(out);
    const bool sqlite = ext == ".sqlite" || ext == ".db";
    if (!sqlite && ext != ".csv" && ext != ".json") throw InputError("", "--out", "use a .csv, .json or .sqlite file name");
    for (const auto& in : inputs) {
        if (extension(in) != ext) throw InputError(in, "", "format differs from the output '" + out + "'");
        std::error_code ec;
        if (!std::filesystem::is_regular_file(in, ec)) throw InputError(in, "", "no such file");
        if (sameFile(in, out))
            throw InputError("", "--out", "'" + out + "' is one of the inputs (" + in +
                                              "); merge never writes over a shard: name a new file");
    }
    if (outputExists(out, "--out") && !opts.overwrite)
        throw InputError("", "--out", "'" + out + "' exists; pass --overwrite to replace it");
    if (sqlite) return mergeSqlite(inputs, out, opts);
    return mergeText(inputs, out, ext == ".json", opts);
}

} // namespace llmdse
