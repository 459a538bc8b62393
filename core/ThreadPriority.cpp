#include "core/ThreadPriority.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace llmdse {

void lowerThisThreadPriority()
{
#if defined(__linux__)
    thread_local bool lowered = false;
    if (lowered) return;
    lowered = true;
    // On Linux a nice value belongs to the thread (its tid), not the whole process.
    const id_t tid = static_cast<id_t>(::syscall(SYS_gettid));
    if (::getpriority(PRIO_PROCESS, tid) < 10) (void)::setpriority(PRIO_PROCESS, tid, 10);
#endif
}

} // namespace llmdse
