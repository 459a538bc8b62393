#include "core/Errors.h"

namespace llmdse {

static std::string compose(const std::string& file, const std::string& field, const std::string& reason)
{
    std::string msg;
    if (!file.empty()) msg += file + ": ";
    if (!field.empty()) msg += "field '" + field + "': ";
    return msg + reason;
}

InputError::InputError(std::string file, std::string field, std::string reason)
    : std::runtime_error(compose(file, field, reason)), file_(std::move(file)),
      field_(std::move(field)), reason_(std::move(reason))
{
}

void rethrowWithFile(const InputError& e, const std::string& file)
{
    if (!e.file().empty()) throw e;
    throw InputError(file, e.field(), e.reason());
}

} // namespace llmdse
