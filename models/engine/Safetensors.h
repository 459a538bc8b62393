#pragma once
// Reader for the safetensors format: an 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets}}, then the raw data,
// memory-mapped. Every inconsistency is an InputError naming file and tensor.
#include <QFile>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llmdse {

enum class TensorDType { F32, F16, BF16 };
const char* toString(TensorDType t);
int dtypeBytes(TensorDType t);

struct TensorView {
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<std::int64_t> shape;
    const unsigned char* data = nullptr;
    std::size_t bytes = 0;
    std::int64_t elements() const;
    // Copies into float, converting F16/BF16.
    void toFloat(float* out) const;
};

class SafetensorsFile {
public:
    explicit SafetensorsFile(const std::string& path);
    const std::string& path() const { return path_; }
    const std::vector<TensorView>& tensors() const { return tensors_; }
    const TensorView* find(const std::string& name) const;

private:
    std::string path_;
    std::unique_ptr<QFile> file_;
    std::vector<TensorView> tensors_;
};

float halfToFloat(std::uint16_t h);
float bfloat16ToFloat(std::uint16_t b);

} // namespace llmdse
