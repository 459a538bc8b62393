#pragma once
// The RAM of this computer, for refusing work that cannot fit before allocating it.
#include <string>

namespace llmdse {

double availableMemoryBytes(); // MemAvailable now (8 GB when /proc/meminfo cannot be read)
double totalMemoryBytes();     // MemTotal

// Refuses (InputError on `field`, with the figures) to allocate `bytes` for `what` when they
// exceed 80% of the RAM available now: a machine that swaps or kills the process is worse
// than a message. Everything sized from user input goes through it.
void requireMemory(double bytes, const std::string& field, const std::string& what);

} // namespace llmdse
