#include "WebSocketWire.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QtEndian>

namespace confab::test::websocket {

using namespace Qt::StringLiterals;

QByteArray newKey()
{
    quint32 nonce[4];
    QRandomGenerator::global()->fillRange(nonce);
    return QByteArray(reinterpret_cast<const char *>(nonce), sizeof nonce).toBase64();
}

QByteArray upgradeRequest(const QUrl &url, const QByteArray &key, const QString &subprotocol)
{
    QByteArray request = "GET " + url.path(QUrl::FullyEncoded).toUtf8();
    if (url.hasQuery())
        request += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    request += " HTTP/1.1\r\nHost: " + url.host(QUrl::FullyEncoded).toUtf8() + ':'
        + QByteArray::number(url.port()) + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
    if (!subprotocol.isEmpty())
        request += "Sec-WebSocket-Protocol: " + subprotocol.toUtf8() + "\r\n";
    return request + "\r\n";
}

qsizetype upgradeAnswerEnd(QByteArrayView received)
{
    const qsizetype blankLine = received.indexOf("\r\n\r\n");
    return blankLine < 0 ? -1 : blankLine + 4;
}

QString upgradeRefusal(QByteArrayView answer, const QByteArray &key)
{
    const QList<QByteArray> lines = answer.toByteArray().split('\n');
    if (!lines.first().startsWith("HTTP/1.1 101"))
        return u"the upgrade was answered with \"%1\" instead of 101"_s.arg(
            QString::fromUtf8(lines.first().trimmed()));
    const QByteArray expectedAccept
        = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                   QCryptographicHash::Sha1)
              .toBase64();
    for (const auto &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "sec-websocket-accept"
            && line.mid(colon + 1).trimmed() == expectedAccept)
            return {};
    }
    return u"the 101 answer lacks the right Sec-WebSocket-Accept: %1"_s.arg(
        QString::fromUtf8(answer.toByteArray()));
}

QByteArray clientFrame(Opcode opcode, QByteArrayView payload)
{
    const qsizetype size = payload.size();
    QByteArray frame;
    frame.reserve(14 + size);
    frame.append(char(0x80 | opcode));
    if (size < 126) {
        frame.append(char(0x80 | size));
    } else if (size <= 0xFFFF) {
        frame.append(char(0x80 | 126));
        char length[2];
        qToBigEndian(quint16(size), length);
        frame.append(length, 2);
    } else {
        frame.append(char(0x80 | 127));
        char length[8];
        qToBigEndian(quint64(size), length);
        frame.append(length, 8);
    }
    char mask[4];
    qToUnaligned(QRandomGenerator::global()->generate(), mask);
    frame.append(mask, 4);
    const qsizetype payloadAt = frame.size();
    frame.resize(payloadAt + size);
    char *out = frame.data() + payloadAt;
    for (qsizetype i = 0; i < size; ++i)
        out[i] = char(payload[i] ^ mask[i % 4]);
    return frame;
}

QByteArray closePayload(quint16 code, QByteArrayView reason)
{
    char status[2];
    qToBigEndian(code, status);
    return QByteArray(status, 2) + reason.toByteArray();
}

void FrameReader::append(QByteArray bytes)
{
    if (m_read == m_buffer.size()) {
        // Nothing left over: the bytes become the buffer as they are.
        m_buffer = std::move(bytes);
        m_read = 0;
        return;
    }
    m_buffer.remove(0, m_read);
    m_read = 0;
    m_buffer.append(bytes);
}

// Frames from a server are never masked (RFC 6455, 5.1).
std::optional<Frame> FrameReader::next()
{
    if (!m_error.isEmpty())
        return std::nullopt;
    const qsizetype available = m_buffer.size() - m_read;
    if (available < 2)
        return std::nullopt;
    const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData() + m_read);
    if (bytes[1] & 0x80) {
        m_error = u"the server sent a masked frame"_s;
        return std::nullopt;
    }
    quint64 length = bytes[1] & 0x7F;
    qsizetype header = 2;
    if (length == 126) {
        if (available < 4)
            return std::nullopt;
        length = qFromBigEndian<quint16>(bytes + 2);
        header = 4;
    } else if (length == 127) {
        if (available < 10)
            return std::nullopt;
        length = qFromBigEndian<quint64>(bytes + 2);
        header = 10;
        if (length >> 62) {
            m_error = u"the server sent a frame longer than anything a client can hold"_s;
            return std::nullopt;
        }
    }
    if (quint64(available - header) < length)
        return std::nullopt;
    Frame frame { Opcode(bytes[0] & 0x0F), (bytes[0] & 0x80) != 0,
                  m_buffer.mid(m_read + header, qsizetype(length)) };
    m_read += header + qsizetype(length);
    if (m_read == m_buffer.size()) {
        m_buffer = QByteArray();
        m_read = 0;
    }
    return frame;
}

} // namespace confab::test::websocket
