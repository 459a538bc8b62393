#pragma once
// Thin RAII over the SQLite C API: WAL mode, busy timeout, prepared
// statements, and errors that name the database file.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace llmdse {

class SqliteStatement;

class SqliteDatabase {
public:
    explicit SqliteDatabase(const std::string& path); // opens/creates, WAL, busy timeout
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    void exec(const std::string& sql);
    bool tableExists(const std::string& name);
    sqlite3* handle() { return db_; }
    const std::string& path() const { return path_; }
    [[noreturn]] void fail(const std::string& what);

private:
    std::string path_;
    sqlite3* db_ = nullptr;
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

private:
    SqliteDatabase& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Quotes an identifier such as "hardware.memory_bandwidth".
std::string sqlIdentifier(const std::string& name);

} // namespace llmdse
