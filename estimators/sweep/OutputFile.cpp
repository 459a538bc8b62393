#include "estimators/sweep/OutputFile.h"
#include "core/Errors.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace llmdse {

namespace fs = std::filesystem;

bool outputExists(const std::string& path, const std::string& option)
{
    std::error_code ec;
    const auto link = fs::symlink_status(path, ec);
    if (link.type() == fs::file_type::symlink && !fs::exists(path, ec))
        throw InputError("", option, "'" + path + "' is a symbolic link to '" + fs::read_symlink(path, ec).string() +
                                         "', which does not exist; refusing to write through it (remove the link "
                                         "or name another file)");
    return fs::exists(link);
}

void removeOutput(const std::string& path, const std::string& option)
{
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::error_code ec;
        fs::remove(path + suffix, ec);
        if (ec) throw InputError(path + suffix, option, "cannot remove it to write anew: " + ec.message());
    }
}

bool sameFile(const std::string& a, const std::string& b)
{
    std::error_code ec;
    const bool same = fs::equivalent(a, b, ec);
    return !ec && same;
}

std::string writeFailure(int err)
{
    if (err == ENOSPC || err == EDQUOT) return std::string("disk full (") + std::strerror(err) + ")";
    return std::string("write failed: ") + std::strerror(err);
}

} // namespace llmdse
