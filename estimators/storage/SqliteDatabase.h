#pragma once
// Thin RAII over the SQLite C API: WAL mode, busy timeout, prepared
// statements, and errors that name the database file.
#include "core/Errors.h"

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace llmdse {

class SqliteStatement;

// A write failed because the disk (or quota) is full: what was committed before is intact.
class DiskFullError : public InputError {
public:
    using InputError::InputError;
};

class SqliteDatabase {
public:
    // ReadWrite opens or creates the file and switches it to WAL. ReadOnly never creates,
    // changes or journals anything, so files on read-only media, other users' shards and a
    // shared cache can be read; InputError when the file is missing or not a database.
    enum class Access { ReadWrite, ReadOnly };
    explicit SqliteDatabase(const std::string& path, Access access = Access::ReadWrite);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    void exec(const std::string& sql);
    // Ends an open transaction, if SQLite has not already ended it (it does after SQLITE_FULL); never throws.
    void rollback() noexcept;
    bool tableExists(const std::string& name);
    bool readOnly() const { return readOnly_; }
    sqlite3* handle() { return db_; }
    const std::string& path() const { return path_; }
    [[noreturn]] void fail(const std::string& what, int rc);

private:
    void openReadOnly();
    void openReadWrite();
    std::string path_;
    sqlite3* db_ = nullptr;
    bool readOnly_ = false;
};

class SqliteStatement {
public:
    SqliteStatement(SqliteDatabase& db, const std::string& sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(int i, double v);
    void bind(int i, std::int64_t v);
    void bind(int i, const std::string& v);
    void bindNull(int i);
    void bindBlob(int i, const void* data, size_t bytes);
    bool step();   // true while a row is available
    void reset();
    double columnDouble(int i);
    bool isNull(int i);
    std::int64_t columnInt(int i);
    std::string columnText(int i);
    std::string columnBlob(int i); // the bytes as they are
    sqlite3_stmt* handle() { return stmt_; }

private:
    SqliteDatabase& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Runs `select` on `from` and each row through `insert` (one ? per column) on `to`, values as
// stored (no conversion); returns the rows copied. The caller holds `to`'s transaction.
std::int64_t copyRows(SqliteDatabase& from, const std::string& select, SqliteDatabase& to, const std::string& insert);

// Quotes an identifier such as "hardware.memory_bandwidth".
std::string sqlIdentifier(const std::string& name);

} // namespace llmdse
