#pragma once
// The benches' common entry: --help / -h prints the usage and exits 0; whatever a bench throws
// (a bad argument, an unreadable study file) ends in exit 1 with its message, not an abort.
#include "core/Errors.h"
#include "core/Units.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

namespace llmdse::bench {

template <typename Run>
int benchMain(int argc, char** argv, const char* usage, Run&& run)
{
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::printf("%s\n", usage);
            return 0;
        }
    try {
        return run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
        return 1;
    }
}

// argv[i] as a number in [lo, hi], or `fallback` when absent; `field` names it in the error.
inline double numberArg(int argc, char** argv, int i, double fallback, double lo, double hi, const char* field)
{
    if (argc <= i) return fallback;
    char* end = nullptr;
    const double v = std::strtod(argv[i], &end);
    if (end == argv[i] || *end != '\0' || !(v >= lo && v <= hi))
        throw InputError("", field, std::string("'") + argv[i] + "' is not a number from " + formatNumber(lo) + " to " + formatNumber(hi));
    return v;
}

inline long long countArg(int argc, char** argv, int i, long long fallback, long long lo, long long hi, const char* field)
{
    const double v = numberArg(argc, argv, i, double(fallback), double(lo), double(hi), field);
    if (v != double(static_cast<long long>(v))) throw InputError("", field, std::string("'") + argv[i] + "' is not a whole number");
    return static_cast<long long>(v);
}

} // namespace llmdse::bench
