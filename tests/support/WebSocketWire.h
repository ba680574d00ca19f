#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QUrl>

#include <optional>

// A client's half of RFC 6455 on the wire, for the clients that write WebSocket by hand
// (tests that misbehave on purpose, the load generator): the upgrade request and the check of
// its answer, masked frames out, the server's frames in.
namespace confab::test::websocket {

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

// A fresh Sec-WebSocket-Key.
QByteArray newKey();
QByteArray upgradeRequest(const QUrl &url, const QByteArray &key, const QString &subprotocol = {});
// Where the answer to the upgrade request ends (after its blank line), or -1 while it has not
// all arrived.
qsizetype upgradeAnswerEnd(QByteArrayView received);
// Empty when answer (the status line and headers) accepts the upgrade asked for with key;
// otherwise what is wrong with it.
QString upgradeRefusal(QByteArrayView answer, const QByteArray &key);

// A frame from a client: always masked (RFC 6455, 5.3).
QByteArray clientFrame(Opcode opcode, QByteArrayView payload);
// A close frame's payload: the status code, then the reason.
QByteArray closePayload(quint16 code, QByteArrayView reason = {});

struct Frame
{
    Opcode opcode;
    bool final;
    QByteArray payload;
};

// Splits what a server sends into frames, as the bytes arrive.
class FrameReader
{
public:
    void append(QByteArray bytes);
    // The next whole frame; nothing until more bytes arrive, or after a frame no server may
    // send (then error() says why).
    std::optional<Frame> next();
    const QString &error() const { return m_error; }

private:
    QByteArray m_buffer;
    qsizetype m_read = 0;
    QString m_error;
};

} // namespace confab::test::websocket
