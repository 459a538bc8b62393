#include "fuzz/FuzzSupport.h"
#include "core/Errors.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fcntl.h>
#include <map>
#include <unistd.h>

namespace llmdse::fuzz {

void expectInputErrorsOnly(const std::function<void()>& body)
{
    try {
        body();
    } catch (const InputError&) {
        // refused with a message naming file and field: the wanted outcome
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz finding: exception other than InputError: %s\n", e.what());
        std::abort();
    }
}

QByteArray bytes(const std::uint8_t* data, std::size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
}

std::string asFile(const std::uint8_t* data, std::size_t size, const char* suffix)
{
    static std::map<std::string, std::string> paths; // one file per suffix, removed at exit
    auto it = paths.find(suffix);
    if (it == paths.end()) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/llmdse-fuzz-XXXXXX";
        std::string path = pattern + suffix;
        int fd = mkstemps(path.data(), static_cast<int>(std::string(suffix).size()));
        if (fd < 0) std::abort();
        close(fd);
        it = paths.emplace(suffix, path).first;
        static const bool cleanup = (std::atexit([] {
                                         for (const auto& [s, p] : paths) {
                                             std::remove(p.c_str());
                                             for (const char* side : {"-wal", "-shm", "-journal"})
                                                 std::remove((p + side).c_str());
                                         }
                                     }),
                                     true);
        (void)cleanup;
    }
    const std::string& path = it->second;
    for (const char* side : {"-wal", "-shm", "-journal"}) std::remove((path + side).c_str());
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path;
}

} // namespace llmdse::fuzz
