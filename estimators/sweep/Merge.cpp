#include "estimators/sweep/Merge.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "estimators/storage/SqliteDatabase.h"
#include "estimators/sweep/Pareto.h"
#include "estimators/sweep/Study.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace llmdse {

namespace {

std::string extension(const std::string& p) { return std::filesystem::path(p).extension().string(); }

MergeSummary mergeSqlite(const std::vector<std::string>& inputs, const std::string& out)
{
    MergeSummary s;
    SqliteDatabase db(out);
    std::string fingerprint, studyJson;
    for (size_t i = 0; i < inputs.size(); ++i) {
        SqliteDatabase in(inputs[i]);
        if (!in.tableExists("points") || !in.tableExists("meta"))
            throw InputError(inputs[i], "points", "not a llmdse sweep database");
        SqliteStatement q(in, "SELECT value FROM meta WHERE key='fingerprint'");
        const std::string fp = q.step() ? q.columnText(0) : "";
        if (i == 0) {
            fingerprint = fp;
            SqliteStatement st(in, "SELECT value FROM meta WHERE key='study'");
            studyJson = st.step() ? st.columnText(0) : "";
        } else if (fp != fingerprint) {
            throw InputError(inputs[i], "meta.fingerprint", "comes from a different study than " + inputs[0]);
        }
    }
    db.exec("ATTACH DATABASE '" + inputs[0] + "' AS first");
    {
        SqliteStatement schema(db, "SELECT sql FROM first.sqlite_master WHERE type='table' AND name IN ('meta','points','pareto')");
        std::vector<std::string> creates;
        while (schema.step()) creates.push_back(schema.columnText(0));
        db.exec("BEGIN IMMEDIATE");
        for (const auto& c : creates) db.exec(c);
        db.exec("INSERT INTO meta SELECT * FROM first.meta");
        db.exec("UPDATE meta SET value='merged' WHERE key='shard'");
        db.exec("COMMIT");
    }
    db.exec("DETACH DATABASE first");
    for (const auto& in : inputs) {
        db.exec("ATTACH DATABASE '" + in + "' AS shard");
        db.exec("BEGIN IMMEDIATE");
        db.exec("INSERT OR IGNORE INTO points SELECT * FROM shard.points");
        db.exec("COMMIT");
        db.exec("DETACH DATABASE shard");
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

struct TextShard {
    std::string path;
    std::string header;
    long long firstIndex = -1;
};

long long leadingIndex(const std::string& line)
{
    const auto p = line.find_first_of("0123456789");
    return p == std::string::npos ? -1 : std::stoll(line.substr(p));
}

// CSV and line-per-point JSON: shards are contiguous index ranges, so ordering
// the files by their first index and concatenating gives a sorted result.
MergeSummary mergeText(const std::vector<std::string>& inputs, const std::string& out, bool json)
{
    MergeSummary s;
    std::vector<TextShard> shards;
    for (const auto& in : inputs) {
        std::ifstream f(in);
        if (!f) throw InputError(in, "", "cannot read");
        TextShard t{in, "", -1};
        std::string line;
        std::getline(f, t.header);
        if (json ? t.header != "[" : t.header.rfind("index,", 0) != 0)
            throw InputError(in, "", json ? "not a llmdse sweep JSON file" : "not a llmdse sweep CSV file (header must start with 'index,')");
        while (std::getline(f, line))
            if (!line.empty() && line != "]") { t.firstIndex = leadingIndex(line); break; }
        if (!shards.empty() && !json && t.header != shards.front().header)
            throw InputError(in, "header", "columns differ from " + shards.front().path);
        shards.push_back(t);
    }
    std::sort(shards.begin(), shards.end(), [](const auto& a, const auto& b) { return a.firstIndex < b.firstIndex; });
    std::ofstream o(out, std::ios::binary);
    if (!o) throw InputError(out, "", "cannot write");
    o << shards.front().header << "\n";
    long long last = -1;
    bool first = true;
    for (const auto& sh : shards) {
        std::ifstream f(sh.path);
        std::string line;
        std::getline(f, line);
        while (std::getline(f, line)) {
            if (line.empty() || line == "]") continue;
            const long long idx = leadingIndex(line);
            if (idx <= last) throw InputError(sh.path, "index", "overlaps another shard at point " + std::to_string(idx));
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
    if (!o) throw InputError(out, "", "write failed");
    return s;
}

} // namespace

MergeSummary mergeShards(const std::vector<std::string>& inputs, const std::string& out, bool overwrite)
{
    if (inputs.empty()) throw InputError("", "inputs", "give the shard files to merge");
    const std::string ext = extension(out);
    for (const auto& in : inputs) {
        if (extension(in) != ext) throw InputError(in, "", "format differs from the output '" + out + "'");
        if (!std::filesystem::exists(in)) throw InputError(in, "", "no such file");
    }
    if (std::filesystem::exists(out)) {
        if (!overwrite) throw InputError("", "--out", "'" + out + "' exists; pass --overwrite to replace it");
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(out + suffix);
    }
    if (ext == ".sqlite" || ext == ".db") return mergeSqlite(inputs, out);
    if (ext == ".csv") return mergeText(inputs, out, false);
    if (ext == ".json") return mergeText(inputs, out, true);
    throw InputError("", "--out", "use a .csv, .json or .sqlite file name");
}

} // namespace llmdse
