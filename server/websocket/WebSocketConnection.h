#pragma once

#include "WebSocketFrame.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

class QTcpSocket;
class QTimer;

namespace confab::server {

// The server's side of one WebSocket (RFC 6455) whose upgrade was answered: reads the
// client's frames into whole messages, answers pings, writes unmasked frames straight to the
// connection and runs the close handshake. Refusing a frame the protocol forbids, a message
// over the size limit or text that is not UTF-8 closes the connection with the matching code.
// What it keeps while idle is a handful of members: no buffers, no timers.
class WebSocketConnection : public QObject
{
    Q_OBJECT

public:
    // Takes over socket, whose upgrade request has been read and answered with 101. Nothing is
    // read until start().
    WebSocketConnection(QTcpSocket *socket, QByteArray path, QByteArray query,
                        qsizetype maxMessageBytes, QObject *parent = nullptr);
    ~WebSocketConnection() override;

    // Begins reading once control returns to the event loop: after the owner has connected to
    // the signals, and after whatever it queued before, so that bytes which came with the
    // upgrade request find the owner ready for them.
    void start();

    const QByteArray &path() const { return m_path; }
    const QByteArray &query() const { return m_query; } // as sent, percent-encoded
    QHostAddress peerAddress() const;
    // Whether messages can still be sent: until this side's close frame, or the end.
    bool isOpen() const { return m_state == State::Open; }
    // Written but not yet taken by the peer's side of the connection.
    qint64 bytesToWrite() const;

    void sendText(QByteArrayView utf8);
    // A frame made by websocket::serverFrame, such as one push framed once for many
    // connections; nothing is written once the connection is not open.
    void sendFrame(const QByteArray &frame);
    void ping();
    // Sends a close frame and waits for the client's; a client that does not answer within a
    // grace period is cut off. code is a websocket::CloseCode or an application's (3000-4999).
    void close(quint16 code, QStringView reason);
    void abort();

signals:
    void textMessageReceived(const QByteArray &utf8);
    void binaryMessageReceived();
    void pongReceived();
    // The connection ended, in order or not; emitted once.
    void disconnected();

private:
    enum class State : quint8 { Open, Closing, Closed };

    void onReadyRead();
    // false once the connection is no longer read (closed, or failed).
    bool handle(websocket::Frame &frame);
    bool deliverMessage(websocket::Opcode opcode, QByteArray payload);
    void answerClose(const QByteArray &payload);
    // Ends the connection for a protocol violation: a close frame that says why, then the end.
    void fail(websocket::CloseCode code, const QString &why);
    void onSocketDisconnected();

    QTcpSocket *m_socket;
    QByteArray m_path;
    QByteArray m_query;
    websocket::FrameReader m_reader;
    QByteArray m_message; // a fragmented message, while its fragments arrive
    QTimer *m_closeGrace = nullptr;
    websocket::Opcode m_messageOpcode = websocket::Continuation; // Continuation: none under way
    State m_state = State::Open;
};

} // namespace confab::server
