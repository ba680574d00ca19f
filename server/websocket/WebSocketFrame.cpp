#include "WebSocketFrame.h"

#include <QCryptographicHash>
#include <QtEndian>

namespace confab::websocket {

using namespace Qt::StringLiterals;

namespace {

constexpr quint8 kFinal = 0x80;
constexpr quint8 kReservedBits = 0x70;
constexpr quint8 kOpcodeBits = 0x0F;
constexpr quint8 kMasked = 0x80;
constexpr quint8 kLengthBits = 0x7F;
constexpr quint8 kTwoByteLength = 126;
constexpr quint8 kEightByteLength = 127;
constexpr qsizetype kLongestControlPayload = 125;

bool isControl(quint8 opcode)
{
    return opcode & 0x8;
}

bool isKnown(quint8 opcode)
{
    switch (opcode) {
    case Continuation:
    case Text:
    case Binary:
    case Close:
    case Ping:
    case Pong:
        return true;
    default:
        return false;
    }
}

QByteArray frame(Opcode opcode, QByteArrayView payload, const quint32 *mask)
{
    const qsizetype size = payload.size();
    const quint8 maskBit = mask ? kMasked : 0;
    QByteArray frame;
    frame.reserve(14 + size);
    frame.append(char(kFinal | opcode));
    if (size < kTwoByteLength) {
        frame.append(char(maskBit | size));
    } else if (size <= 0xFFFF) {
        frame.append(char(maskBit | kTwoByteLength));
        char length[2];
        qToBigEndian(quint16(size), length);
        frame.append(length, 2);
    } else {
        frame.append(char(maskBit | kEightByteLength));
        char length[8];
        qToBigEndian(quint64(size), length);
        frame.append(length, 8);
    }
    if (!mask) {
        frame.append(payload);
        return frame;
    }
    char key[4];
    qToUnaligned(*mask, key);
    frame.append(key, 4);
    const qsizetype payloadAt = frame.size();
    frame.resize(payloadAt + size);
    char *out = frame.data() + payloadAt;
    for (qsizetype i = 0; i < size; ++i)
        out[i] = char(payload[i] ^ key[i % 4]);
    return frame;
}

} // namespace

QByteArray acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return sha1.result().toBase64();
}

QByteArray serverFrame(Opcode opcode, QByteArrayView payload)
{
    return frame(opcode, payload, nullptr);
}

QByteArray clientFrame(Opcode opcode, QByteArrayView payload, quint32 mask)
{
    return frame(opcode, payload, &mask);
}

QByteArray closePayload(quint16 code, QByteArrayView reason)
{
    char status[2];
    qToBigEndian(code, status);
    QByteArray payload(status, 2);
    QByteArrayView kept = reason.first(std::min(reason.size(), kLongestControlPayload - 2));
    // Not cut inside a UTF-8 sequence: a continuation byte is never where a character starts.
    if (kept.size() < reason.size()) {
        while (!kept.isEmpty() && (quint8(reason[kept.size()]) & 0xC0) == 0x80)
            kept.chop(1);
    }
    return payload + kept.toByteArray();
}

FrameReader::FrameReader(Sender sender, quint64 maxPayload)
    : m_sender(sender)
    , m_maxPayload(maxPayload)
{ }

void FrameReader::append(QByteArray bytes)
{
    if (failed())
        return;
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

void FrameReader::fail(CloseCode code, const QString &why)
{
    m_errorCode = code;
    m_error = why;
    m_buffer = QByteArray();
    m_read = 0;
}

std::optional<Frame> FrameReader::next()
{
    if (failed())
        return std::nullopt;
    const qsizetype available = m_buffer.size() - m_read;
    if (available < 2)
        return std::nullopt;
    const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData() + m_read);
    const quint8 opcode = bytes[0] & kOpcodeBits;
    const bool final = bytes[0] & kFinal;
    const bool masked = bytes[1] & kMasked;
    const QString sender = m_sender == Sender::Client ? u"client"_s : u"server"_s;
    if (bytes[0] & kReservedBits) {
        fail(ProtocolError, u"the %1 set reserved bits no extension was agreed for"_s.arg(sender));
        return std::nullopt;
    }
    if (!isKnown(opcode)) {
        fail(ProtocolError, u"the %1 sent a frame of unknown opcode %2"_s.arg(sender).arg(opcode));
        return std::nullopt;
    }
    if (masked != (m_sender == Sender::Client)) {
        fail(ProtocolError,
             masked ? u"the server sent a masked frame"_s : u"the client sent an unmasked frame"_s);
        return std::nullopt;
    }
    quint64 length = bytes[1] & kLengthBits;
    qsizetype header = 2;
    if (length == kTwoByteLength) {
        if (available < 4)
            return std::nullopt;
        length = qFromBigEndian<quint16>(bytes + 2);
        header = 4;
    } else if (length == kEightByteLength) {
        if (available < 10)
            return std::nullopt;
        length = qFromBigEndian<quint64>(bytes + 2);
        header = 10;
    }
    if (isControl(opcode) && (!final || length > quint64(kLongestControlPayload))) {
        fail(ProtocolError,
             u"the %1 sent a control frame that is fragmented or over 125 bytes"_s.arg(sender));
        return std::nullopt;
    }
    if (length > m_maxPayload) {
        fail(TooMuchData,
             u"the %1 sent a frame of %2 bytes; at most %3 are accepted"_s.arg(sender)
                 .arg(length)
                 .arg(m_maxPayload));
        return std::nullopt;
    }
    const qsizetype maskBytes = masked ? 4 : 0;
    if (available < header + maskBytes || quint64(available - header - maskBytes) < length)
        return std::nullopt;
    Frame frame { Opcode(opcode), final,
                  m_buffer.mid(m_read + header + maskBytes, qsizetype(length)) };
    if (masked) {
        const uchar *key = bytes + header;
        char *out = frame.payload.data();
        for (qsizetype i = 0; i < frame.payload.size(); ++i)
            out[i] = char(out[i] ^ key[i % 4]);
    }
    m_read += header + maskBytes + qsizetype(length);
    if (m_read == m_buffer.size()) {
        m_buffer = QByteArray();
        m_read = 0;
    }
    return frame;
}

} // namespace confab::websocket
