#include "ui/Project.h"
#include "core/Errors.h"
#include "core/InputFile.h"
#include "estimators/storage/SqliteDatabase.h"
#include "estimators/sweep/Study.h"
#include "estimators/sweep/SweepRunner.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <cmath>
#include <cstring>

namespace llmdse {

namespace {

constexpr const char* kFormat = "llmdse-project";
constexpr int kVersion = 1;

std::string compact(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(); }

QJsonObject parseObject(const std::string& text, const std::string& file, const std::string& field)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &err);
    if (!doc.isObject()) throw InputError(file, field, "stored JSON is not an object: " + err.errorString().toStdString());
    return doc.object();
}

template <class T>
std::string bytesOf(const std::vector<T>& v)
{
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <class T>
std::vector<T> vectorOf(const std::string& blob, size_t n, const std::string& file, const std::string& field)
{
    if (blob.size() != n * sizeof(T))
        throw InputError(file, field, "column holds " + std::to_string(blob.size()) + " bytes, expected " +
                                          std::to_string(n * sizeof(T)));
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), blob.data(), blob.size());
    return v;
}

// The file is ours when it is empty/new or carries our format tag.
void requireProjectOrEmpty(SqliteDatabase& db, bool mustExist)
{
    const bool hasMeta = db.tableExists("meta");
    if (!hasMeta) {
        SqliteStatement any(db, "SELECT count(*) FROM sqlite_master");
        any.step();
        if (mustExist || any.columnInt(0) > 0) throw InputError(db.path(), "meta", "not an llmdse project");
        return;
    }
    SqliteStatement s(db, "SELECT value FROM meta WHERE key='format'");
    if (!s.step() || s.columnText(0) != kFormat) throw InputError(db.path(), "meta.format", "not an llmdse project");
    SqliteStatement v(db, "SELECT value FROM meta WHERE key='version'");
    if (v.step() && std::atoi(v.columnText(0).c_str()) > kVersion)
        throw InputError(db.path(), "meta.version", "written by a newer llmdse (project version " + v.columnText(0) + ")");
}

} // namespace

void saveProject(const QString& path, const Project& p)
{
    const std::string file = path.toStdString();
    if (QFileInfo(path).isDir()) throw InputError(file, "", "is a directory");
    SqliteDatabase db(file);
    requireProjectOrEmpty(db, false);
    db.exec("BEGIN IMMEDIATE");
    try {
        db.exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)");
        db.exec("CREATE TABLE IF NOT EXISTS design(id INTEGER PRIMARY KEY, json TEXT NOT NULL)");
        db.exec("CREATE TABLE IF NOT EXISTS pinned(position INTEGER PRIMARY KEY, label TEXT, estimator TEXT, json TEXT NOT NULL)");
        db.exec("CREATE TABLE IF NOT EXISTS study(id INTEGER PRIMARY KEY, text TEXT)");
        db.exec("CREATE TABLE IF NOT EXISTS sweep(id INTEGER PRIMARY KEY, study_json TEXT, estimator_version TEXT, "
                "points INTEGER, front BLOB)");
        db.exec("CREATE TABLE IF NOT EXISTS sweep_column(name TEXT PRIMARY KEY, kind TEXT, data BLOB)");
        for (const char* t : {"meta", "design", "pinned", "study", "sweep", "sweep_column"})
            db.exec(std::string("DELETE FROM ") + t);
        {
            SqliteStatement m(db, "INSERT INTO meta(key, value) VALUES (?, ?)");
            for (auto [k, v] : {std::pair<std::string, std::string>{"format", kFormat},
                                {"version", std::to_string(kVersion)},
                                {"saved_utc", QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString()}}) {
                m.bind(1, k);
                m.bind(2, v);
                m.step();
                m.reset();
            }
        }
        {
            SqliteStatement d(db, "INSERT INTO design(id, json) VALUES (1, ?)");
            d.bind(1, compact(p.design));
            d.step();
        }
        {
            SqliteStatement s(db, "INSERT INTO pinned(position, label, estimator, json) VALUES (?, ?, ?, ?)");
            for (size_t i = 0; i < p.pinned.size(); ++i) {
                s.bind(1, std::int64_t(i));
                s.bind(2, p.pinned[i].label.toStdString());
                s.bind(3, p.pinned[i].estimator.toStdString());
                s.bind(4, compact(p.pinned[i].design));
                s.step();
                s.reset();
            }
        }
        {
            SqliteStatement s(db, "INSERT INTO study(id, text) VALUES (1, ?)");
            s.bind(1, p.studyText.toStdString());
            s.step();
        }
        if (p.sweep) {
            const SweepResults& r = *p.sweep;
            SqliteStatement s(db, "INSERT INTO sweep(id, study_json, estimator_version, points, front) VALUES (1, ?, ?, ?, ?)");
            s.bind(1, r.schema().studyJson);
            s.bind(2, r.schema().estimatorVersion);
            s.bind(3, std::int64_t(r.size()));
            const std::string front = bytesOf(p.front);
            s.bindBlob(4, front.data(), front.size());
            s.step();
            SqliteStatement c(db, "INSERT INTO sweep_column(name, kind, data) VALUES (?, ?, ?)");
            auto column = [&](const std::string& name, const char* kind, const std::string& blob) {
                c.bind(1, name);
                c.bind(2, std::string(kind));
                c.bindBlob(3, blob.data(), blob.size());
                c.step();
                c.reset();
            };
            column("point", "index", bytesOf(r.indices()));
            std::vector<unsigned char> valid(r.validity().begin(), r.validity().end());
            column("valid", "valid", bytesOf(valid));
            for (size_t a = 0; a < r.schema().paramNames.size(); ++a)
                column(r.schema().paramNames[a], "param", bytesOf(r.paramColumn(a)));
            for (int m = 0; m < kMetricCount; ++m)
                column(metricName(MetricId(m)), "metric", bytesOf(r.metricColumn(MetricId(m))));
        }
        db.exec("COMMIT");
    } catch (...) {
        db.rollback(); // SQLite may have ended it already (a full disk): keep the first error
        throw;
    }
}

Project loadProject(const QString& path)
{
    const std::string file = path.toStdString();
    if (!QFileInfo::exists(path)) throw InputError(file, "", "no such project file");
    requireRegularFile(file); // a device or FIFO named as a project is refused before SQLite sees it
    SqliteDatabase db(file, SqliteDatabase::Access::ReadOnly); // opens projects on read-only media too
    requireProjectOrEmpty(db, true);
    Project p;
    for (const char* t : {"design", "pinned", "study", "sweep", "sweep_column"})
        if (!db.tableExists(t)) throw InputError(file, t, "table missing: the project is damaged");
    {
        SqliteStatement s(db, "SELECT json FROM design WHERE id=1");
        if (s.step()) p.design = parseObject(s.columnText(0), file, "design.json");
    }
    {
        SqliteStatement s(db, "SELECT label, estimator, json FROM pinned ORDER BY position");
        while (s.step())
            p.pinned.push_back({QString::fromStdString(s.columnText(0)), parseObject(s.columnText(2), file, "pinned.json"),
                                QString::fromStdString(s.columnText(1))});
    }
    {
        SqliteStatement s(db, "SELECT text FROM study WHERE id=1");
        if (s.step()) p.studyText = QString::fromStdString(s.columnText(0));
    }
    SqliteStatement s(db, "SELECT study_json, estimator_version, points, front FROM sweep WHERE id=1");
    if (!s.step()) return p;
    const Study study = parseStudy(parseObject(s.columnText(0), file, "sweep.study_json"), file + ": sweep.study_json");
    const auto points = s.columnInt(2);
    if (points < 0) throw InputError(file, "sweep.points", "negative point count");
    const size_t n = size_t(points);
    const std::string fb = s.columnBlob(3);
    p.front = vectorOf<std::int64_t>(fb, fb.size() / sizeof(std::int64_t), file, "sweep.front");
    SweepSchema schema = schemaFor(study, s.columnText(1), 0, study.totalPoints());
    std::vector<std::int64_t> index;
    std::vector<bool> valid;
    std::vector<std::vector<float>> params(schema.paramNames.size());
    std::array<std::vector<float>, kMetricCount> metrics;
    SqliteStatement c(db, "SELECT name, kind, data FROM sweep_column");
    bool haveIndex = false, haveValid = false;
    while (c.step()) {
        const std::string name = c.columnText(0), kind = c.columnText(1), blob = c.columnBlob(2);
        const std::string where = "sweep_column." + name;
        if (kind == "index") index = vectorOf<std::int64_t>(blob, n, file, where), haveIndex = true;
        else if (kind == "valid") {
            const auto v = vectorOf<unsigned char>(blob, n, file, where);
            valid.assign(v.begin(), v.end());
            haveValid = true;
        } else if (kind == "param") {
            for (size_t a = 0; a < schema.paramNames.size(); ++a)
                if (schema.paramNames[a] == name) params[a] = vectorOf<float>(blob, n, file, where);
        } else if (kind == "metric") {
            for (int m = 0; m < kMetricCount; ++m) // a metric this version does not know is skipped
                if (name == metricName(MetricId(m))) metrics[m] = vectorOf<float>(blob, n, file, where);
        }
    }
    if (!haveIndex || !haveValid) throw InputError(file, "sweep_column", "point or valid column missing");
    for (size_t a = 0; a < params.size(); ++a)
        if (params[a].size() != n) throw InputError(file, "sweep_column." + schema.paramNames[a], "column missing");
    for (auto& m : metrics)
        if (m.size() != n) m.assign(n, NAN); // a metric added since the save
    auto r = std::make_shared<SweepResults>();
    r->restore(schema, std::move(index), std::move(valid), std::move(params), std::move(metrics));
    p.sweep = r;
    return p;
}

} // namespace llmdse
