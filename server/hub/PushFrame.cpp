#include "PushFrame.h"

#include <QIODevice>
#include <QWebSocket>
#include <QtEndian>

namespace confab::server {

namespace {

constexpr char kFinalTextFrame = char(0x81);
constexpr qsizetype kLongestShortLength = 125;
constexpr quint8 kTwoByteLength = 126;
constexpr quint8 kEightByteLength = 127;

} // namespace

PushFrame::PushFrame(QStringView text)
{
    const QByteArray payload = text.toUtf8();
    const auto length = quint64(payload.size());
    m_bytes.reserve(payload.size() + 10);
    m_bytes.append(kFinalTextFrame);
    if (payload.size() <= kLongestShortLength) {
        m_bytes.append(char(length));
    } else if (length <= 0xFFFF) {
        m_bytes.append(char(kTwoByteLength));
        const quint16 bigEndian = qToBigEndian(quint16(length));
        m_bytes.append(reinterpret_cast<const char *>(&bigEndian), sizeof bigEndian);
    } else {
        m_bytes.append(char(kEightByteLength));
        const quint64 bigEndian = qToBigEndian(length);
        m_bytes.append(reinterpret_cast<const char *>(&bigEndian), sizeof bigEndian);
    }
    m_bytes.append(payload);
}

bool PushFrame::writeTo(const QWebSocket &socket, QIODevice &transport) const
{
    // The same condition under which QWebSocket itself still sends messages: after its close
    // frame nothing may follow.
    if (socket.state() != QAbstractSocket::ConnectedState || !transport.isOpen())
        return false;
    return transport.write(m_bytes) == m_bytes.size();
}

} // namespace confab::server
