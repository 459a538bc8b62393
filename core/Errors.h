#pragma once
// Error types shared by every layer. InputError is the user's fault (exit 1):
// it names the file, the field and the reason so the message is actionable.
#include <stdexcept>
#include <string>

namespace llmdse {

class InputError : public std::runtime_error {
public:
    InputError(std::string file, std::string field, std::string reason);
    const std::string& file() const { return file_; }
    const std::string& field() const { return field_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_, field_, reason_;
};

// Re-throws an InputError with a file name attached when the thrower did not know it.
[[noreturn]] void rethrowWithFile(const InputError& e, const std::string& file);

} // namespace llmdse
