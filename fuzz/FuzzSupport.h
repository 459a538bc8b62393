#pragma once
// Shared by the fuzz targets (fuzz/targets/*.cpp, one per input format). A target feeds
// the bytes to one parser; InputError is the parser saying "bad input", which is the
// expected outcome. Any other exception, a crash, a sanitizer report, a hang or an
// allocation beyond libFuzzer's -rss_limit_mb is a finding.
#include <QByteArray>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace llmdse::fuzz {

// Runs `body`; returns normally on InputError, aborts with the message on any other exception.
void expectInputErrorsOnly(const std::function<void()>& body);
// The bytes as a file on disk (one per process, rewritten each call) for parsers that take a path.
std::string asFile(const std::uint8_t* data, std::size_t size, const char* suffix);
QByteArray bytes(const std::uint8_t* data, std::size_t size);

} // namespace llmdse::fuzz
