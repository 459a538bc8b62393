#pragma once
// Work started from an interactive window (a sweep behind the workbench) runs
// at a lower scheduling priority, so the window's own thread gets a core as
// soon as it needs one, even when the work uses every core.
namespace llmdse {

// Lowers the calling thread's priority (nice 10 on Linux; nothing elsewhere), once per thread:
// an unprivileged thread cannot raise it again, so a pool thread stays lowered for the process.
void lowerThisThreadPriority();

} // namespace llmdse
