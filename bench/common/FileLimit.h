#pragma once

#include <sys/resource.h>

namespace confab::bench {

// Every connection is a file descriptor, on both sides, and a child process inherits the
// limit: the soft limit goes up to the hard one.
inline void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace confab::bench
