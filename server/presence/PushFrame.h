#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace confab::server {

// One push on its way to many connections, framed for WebSocket once. A server's frames are
// not masked, so every connection is sent the same bytes: no connection copies them again.
class PushFrame
{
public:
    explicit PushFrame(QByteArrayView utf8);

    // The whole text frame: header, then the UTF-8 payload, in one frame whatever its size.
    const QByteArray &bytes() const { return m_bytes; }

private:
    QByteArray m_bytes;
};

} // namespace confab::server
