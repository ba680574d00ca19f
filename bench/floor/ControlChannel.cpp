#include "ControlChannel.h"

#include <sys/socket.h>

namespace confab::bench::floor {

bool readControl(int fd, void *data, size_t size)
{
    return ::recv(fd, data, size, MSG_WAITALL) == ssize_t(size);
}

bool sendControl(int fd, Tag tag, const void *payload, size_t size)
{
    return ::send(fd, &tag, 1, MSG_NOSIGNAL) == 1
        && (size == 0 || ::send(fd, payload, size, MSG_NOSIGNAL) == ssize_t(size));
}

} // namespace confab::bench::floor
