#pragma once
// Writes a GGUF v3 file, streaming: tensors are declared with their shape and type
// and produce their bytes only while the file is written, so a model is never held
// twice in memory. The file appears under its name only once complete.
#include "models/gguf/GgufFile.h"

#include <functional>
#include <string>
#include <vector>

namespace llmdse {

class GgufWriter {
public:
    using Producer = std::function<void(std::vector<std::uint8_t>& out)>; // appends the encoded tensor

    void add(const std::string& key, GgufValue value);
    // dims innermost first (a row-major rows x cols matrix is {cols, rows}).
    void addTensor(const std::string& name, std::vector<std::int64_t> dims, GgmlType type, Producer produce);
    // Throws InputError(path, ...) when the file cannot be written.
    void write(const std::string& path, std::uint32_t alignment = 32) const;

private:
    struct Pending {
        std::string name;
        std::vector<std::int64_t> dims;
        GgmlType type;
        Producer produce;
    };
    std::vector<std::pair<std::string, GgufValue>> metadata_;
    std::vector<Pending> tensors_;
};

} // namespace llmdse
