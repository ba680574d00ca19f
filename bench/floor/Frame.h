#pragma once

#include <QtGlobal>

#include <cstring>
#include <string>

namespace confab::bench::floor {

// A delivery on the wire: a server's WebSocket text frame of 126 to 65,535 bytes, whose payload
// starts with the time its message was due.
constexpr int kFrameHeaderBytes = 4;
constexpr int kMinFrameBytes = kFrameHeaderBytes + int(sizeof(qint64));
constexpr int kMaxFrameBytes = kFrameHeaderBytes + 65'535;

inline std::string makeFrame(int bytes)
{
    std::string frame(size_t(bytes), 'x');
    const int payload = bytes - kFrameHeaderBytes;
    frame[0] = char(0x81); // FIN, text
    frame[1] = char(126); // a 16-bit length follows
    frame[2] = char(payload >> 8);
    frame[3] = char(payload & 0xff);
    return frame;
}

inline void setDue(std::string &frame, qint64 dueNs)
{
    std::memcpy(frame.data() + kFrameHeaderBytes, &dueNs, sizeof dueNs);
}

// The size of the frame that starts at data, which holds at least kMinFrameBytes.
inline size_t frameBytesAt(const char *data)
{
    const auto *header = reinterpret_cast<const unsigned char *>(data);
    return kFrameHeaderBytes + (size_t(header[2]) << 8 | header[3]);
}

inline qint64 dueAt(const char *frame)
{
    qint64 dueNs = 0;
    std::memcpy(&dueNs, frame + kFrameHeaderBytes, sizeof dueNs);
    return dueNs;
}

} // namespace confab::bench::floor
