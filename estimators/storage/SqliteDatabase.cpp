#include "estimators/storage/SqliteDatabase.h"

#include <cctype>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

namespace llmdse {

namespace {

// "file:" URI of a path, for the query parameters that only URIs take.
std::string fileUri(const std::string& path)
{
    static const char* hex = "0123456789ABCDEF";
    std::string uri = "file:";
    for (unsigned char c : std::filesystem::absolute(path).string()) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += hex[c >> 4];
            uri += hex[c & 15];
        }
    }
    return uri;
}

bool fileExists(const std::string& path)
{
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

// Throws the error for a failed call: "disk full" (the caller can resume), "read-only", or SQLite's message.
[[noreturn]] void raise(const std::string& path, sqlite3* db, int rc, const std::string& what)
{
    const std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const int sysErrno = db ? sqlite3_system_errno(db) : 0;
    if ((rc & 0xff) == SQLITE_FULL || sysErrno == ENOSPC || sysErrno == EDQUOT)
        throw DiskFullError(path, "", "disk full (SQLITE_FULL) " + what);
    if ((rc & 0xff) == SQLITE_READONLY)
        throw InputError(path, "", "cannot write: the file or its folder is read-only (" + msg + ") " + what);
    throw InputError(path, "", "database error (" + msg + ") " + what);
}

} // namespace

SqliteDatabase::SqliteDatabase(const std::string& path, Access access) : path_(path)
{
    if (access == Access::ReadOnly) openReadOnly();
    else openReadWrite();
}

void SqliteDatabase::openReadWrite()
{
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
        sqlite3_close(db_);
        db_ = nullptr;
        throw InputError(path_, "", "cannot open database: " + msg);
    }
    if (sqlite3_db_readonly(db_, "main") == 1) { // SQLite quietly falls back to reading
        sqlite3_close(db_);
        db_ = nullptr;
        throw InputError(path_, "", "cannot write: the file or its folder is read-only");
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

void SqliteDatabase::openReadOnly()
{
    readOnly_ = true;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) throw InputError(path_, "", "no such file");
    if (!std::filesystem::is_regular_file(path_, ec)) throw InputError(path_, "", "not a regular file");
    // With no write-ahead log or rollback journal beside it, no writer is in the middle of a
    // transaction: read the file as immutable, which creates no -wal/-shm files and needs no
    // write access anywhere (read-only media, another user's folder). Otherwise read through
    // the log, as a reader beside a live writer must.
    const bool journal = fileExists(path_ + "-wal") || fileExists(path_ + "-journal");
    const std::string name = journal ? path_ : fileUri(path_) + "?immutable=1";
    int rc = sqlite3_open_v2(name.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db_, 30000);
        // Opening is lazy: read the schema now, so "not a database" surfaces here.
        rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw InputError(path_, "", "cannot read database: " + msg +
                                        (journal && (rc & 0xff) == SQLITE_CANTOPEN
                                             ? " (a write-ahead log beside it needs a writable folder: copy the files "
                                               "to writable storage)"
                                             : ""));
    }
}

SqliteDatabase::~SqliteDatabase()
{
    if (db_) sqlite3_close(db_);
}

void SqliteDatabase::fail(const std::string& what, int rc) { raise(path_, db_, rc, what); }

void SqliteDatabase::exec(const std::string& sql)
{
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) fail("in: " + sql.substr(0, 80), rc);
}

void SqliteDatabase::rollback() noexcept
{
    if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

bool SqliteDatabase::tableExists(const std::string& name)
{
    SqliteStatement s(*this, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    s.bind(1, name);
    return s.step();
}

SqliteStatement::SqliteStatement(SqliteDatabase& db, const std::string& sql) : db_(db)
{
    const int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) db.fail("preparing '" + sql.substr(0, 60) + "'", rc);
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
    db_.fail("in a statement", rc);
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

std::int64_t copyRows(SqliteDatabase& from, const std::string& select, SqliteDatabase& to, const std::string& insert)
{
    SqliteStatement in(from, select), out(to, insert);
    std::int64_t n = 0;
    sqlite3_stmt* src = in.handle();
    sqlite3_stmt* dst = out.handle();
    const int columns = sqlite3_column_count(src);
    while (in.step()) {
        for (int c = 0; c < columns; ++c) sqlite3_bind_value(dst, c + 1, sqlite3_column_value(src, c));
        out.step();
        out.reset();
        ++n;
    }
    return n;
}

std::string sqlIdentifier(const std::string& name)
{
    std::string o = "\"";
    for (char c : name) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

} // namespace llmdse
