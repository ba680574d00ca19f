#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <limits>
#include <optional>

// RFC 6455 on the wire, for both ends: frames in and out, the upgrade's accept key. The
// server's connections are built on it, and so are the tests' and the load generator's
// hand-written clients.
namespace confab::websocket {

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// The close codes this code sends (RFC 6455, 7.4.1).
enum CloseCode : quint16 {
    NormalClosure = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    NoStatusReceived = 1005,
    InvalidPayload = 1007,
    PolicyViolated = 1008,
    TooMuchData = 1009,
};

// The Sec-WebSocket-Accept answering a Sec-WebSocket-Key.
QByteArray acceptKey(QByteArrayView key);

// One whole frame (FIN set). A client's frames carry a mask (RFC 6455, 5.3); a server's never
// do, so one server frame can go to many connections as it is.
QByteArray serverFrame(Opcode opcode, QByteArrayView payload);
QByteArray clientFrame(Opcode opcode, QByteArrayView payload, quint32 mask);
// A close frame's payload: the status code, then the reason (cut to fit a control frame).
QByteArray closePayload(quint16 code, QByteArrayView reason = {});

struct Frame
{
    Opcode opcode;
    bool final;
    QByteArray payload; // unmasked
};

// Splits the bytes from one peer into frames as they arrive, and refuses a frame that peer
// may not send: a client's unmasked or a server's masked frame, reserved bits or opcodes, a
// control frame that is fragmented or longer than 125 bytes, or a payload over the limit.
class FrameReader
{
public:
    enum class Sender { Client, Server };

    explicit FrameReader(Sender sender,
                         quint64 maxPayload = std::numeric_limits<qint64>::max() / 2);

    void append(QByteArray bytes);
    // The next whole frame; nothing until more bytes arrive, or after a refused frame (then
    // errorCode() and error() say why, and nothing is read any more).
    std::optional<Frame> next();
    bool failed() const { return m_errorCode != 0; }
    CloseCode errorCode() const { return CloseCode(m_errorCode); }
    const QString &error() const { return m_error; }
    // Bytes received and not yet returned as frames.
    qsizetype buffered() const { return m_buffer.size() - m_read; }
    quint64 maxPayload() const { return m_maxPayload; }

private:
    void fail(CloseCode code, const QString &why);

    Sender m_sender;
    quint64 m_maxPayload;
    QByteArray m_buffer;
    qsizetype m_read = 0;
    quint16 m_errorCode = 0;
    QString m_error;
};

} // namespace confab::websocket
