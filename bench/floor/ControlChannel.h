#pragma once

#include <QtGlobal>

#include <cstddef>

namespace confab::bench::floor {

// What the sender and the receiver tell each other over their socket pair. The receiver counts
// from Ready, and again from each Result: records may reach it before any word from the sender
// would, so a case cannot be announced, only ended (End, with how many records were sent).
enum class Tag : char { Ready = 'R', End = 'E', Result = 'D', Failed = 'F' };

// The receiver's account of one case.
struct Result
{
    qint64 delivered = 0;
    qint64 cpuNs = 0;
    qint64 lastDeliveryNs = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    qint64 errors = 0;
};

// The control socket blocks, and what goes over it is a few dozen bytes at a time: each read
// and write is whole or fails.
bool readControl(int fd, void *data, size_t size);
bool sendControl(int fd, Tag tag, const void *payload = nullptr, size_t size = 0);

template<typename Payload> bool sendControl(int fd, Tag tag, const Payload &payload)
{
    return sendControl(fd, tag, &payload, sizeof payload);
}

} // namespace confab::bench::floor
