#pragma once
// Checks for the files `sweep` and `merge` write: a dangling symbolic link is refused
// (writing through it would create a file somewhere else), filesystem failures become
// InputError naming the option, and a full disk is called "disk full".
#include <string>

namespace llmdse {

// True when `path` exists. InputError(option) when it is a symbolic link to nothing.
bool outputExists(const std::string& path, const std::string& option);
// Removes `path` and SQLite's -wal/-shm beside it; InputError(option) when that fails (read-only media).
void removeOutput(const std::string& path, const std::string& option);
// Whether two paths name the same file (through links, "..", hard links); false when either is missing.
bool sameFile(const std::string& a, const std::string& b);
// Why a write failed, from errno: "disk full (...)" for ENOSPC and EDQUOT.
std::string writeFailure(int err);

} // namespace llmdse
