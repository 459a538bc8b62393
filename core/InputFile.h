#pragma once
// Reading the files a user names. Only regular files are read, and never more than a cap:
// a device (/dev/zero), a FIFO, a directory or a runaway file is refused with a message
// naming it, instead of being read until memory runs out or blocking forever.
#include <QByteArray>
#include <cstdint>
#include <string>

namespace llmdse {

constexpr std::int64_t kMaxJsonFileBytes = 64ll << 20;   // design, study, hardware, runtime, config.json, data
constexpr std::int64_t kMaxTraceFileBytes = 1ll << 30;   // request traces (about 30 million rows)
constexpr int kMaxLineBytes = 4096;                      // one row of a CSV input

// Throws InputError(path, "", reason) unless `path` names an existing regular file (symlinks followed).
void requireRegularFile(const std::string& path);
// The whole file, at most `maxBytes` bytes (InputError beyond, with the size and the cap).
QByteArray readInputFile(const std::string& path, std::int64_t maxBytes);

} // namespace llmdse
