#pragma once
// Reads a GGUF file back, checking every field the way the safetensors reader does:
// a malformed file (bad magic or version, counts or lengths that run past the end,
// unknown types, tensors with impossible shapes, unaligned or overlapping data) is an
// InputError naming the file and the field, never a crash or an unbounded allocation.
#include "models/gguf/GgufFile.h"

#include <string>

namespace llmdse {

// `withData`: also copy each tensor's bytes (otherwise only the table is read).
GgufFile readGguf(const std::string& path, bool withData = false);
// The same from bytes in memory (`file` names them in errors).
GgufFile parseGguf(const std::uint8_t* bytes, std::size_t size, const std::string& file, bool withData = false);

} // namespace llmdse
