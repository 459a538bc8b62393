#include "estimators/storage/SqliteDatabase.h"
#include "core/Errors.h"

#include <chrono>
#include <thread>

namespace llmdse {

SqliteDatabase::SqliteDatabase(const std::string& path) : path_(path)
{
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
        sqlite3_close(db_);
        db_ = nullptr;
        throw InputError(path, "", "cannot open database: " + msg);
    }
    sqlite3_busy_timeout(db_, 30000);
    try {
        // Switching a new file to WAL takes an exclusive lock, and SQLite does not call the busy
        // handler for it: when another process opens the same new file at the same moment, retry.
        for (int attempt = 0;; ++attempt) {
            char* err = nullptr;
            const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, &err);
            sqlite3_free(err);
            if (rc == SQLITE_OK) break;
            if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 300) exec("PRAGMA journal_mode=WAL");
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        exec("PRAGMA synchronous=NORMAL"); // WAL + NORMAL: committed transactions survive a process kill
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteDatabase::~SqliteDatabase()
{
    if (db_) sqlite3_close(db_);
}

void SqliteDatabase::fail(const std::string& what)
{
    throw InputError(path_, "", what + ": " + sqlite3_errmsg(db_));
}

void SqliteDatabase::exec(const std::string& sql)
{
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw InputError(path_, "", "database error (" + msg + ") in: " + sql.substr(0, 80));
    }
}

bool SqliteDatabase::tableExists(const std::string& name)
{
    SqliteStatement s(*this, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    s.bind(1, name);
    return s.step();
}

SqliteStatement::SqliteStatement(SqliteDatabase& db, const std::string& sql) : db_(db)
{
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
        db.fail("cannot prepare '" + sql.substr(0, 60) + "'");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
void SqliteStatement::bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
void SqliteStatement::bind(int i, const std::string& v)
{
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void SqliteStatement::bindNull(int i) { sqlite3_bind_null(stmt_, i); }
void SqliteStatement::bindBlob(int i, const void* data, size_t bytes)
{
    sqlite3_bind_blob64(stmt_, i, data, static_cast<sqlite3_uint64>(bytes), SQLITE_TRANSIENT);
}

bool SqliteStatement::step()
{
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail("statement failed");
}

void SqliteStatement::reset()
{
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

double SqliteStatement::columnDouble(int i) { return sqlite3_column_double(stmt_, i); }
bool SqliteStatement::isNull(int i) { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
std::int64_t SqliteStatement::columnInt(int i) { return sqlite3_column_int64(stmt_, i); }
std::string SqliteStatement::columnText(int i)
{
    const unsigned char* t = sqlite3_column_text(stmt_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
}

std::string SqliteStatement::columnBlob(int i)
{
    const void* b = sqlite3_column_blob(stmt_, i);
    const int n = sqlite3_column_bytes(stmt_, i);
    return b && n > 0 ? std::string(static_cast<const char*>(b), size_t(n)) : std::string();
}

std::string sqlIdentifier(const std::string& name)
{
    std::string o = "\"";
    for (char c : name) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

} // namespace llmdse
