#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <optional>

namespace confab::server {

class Connection;

// Why the server ends a connection of its own accord; each protocol says how that looks on
// its wire (closeFrame()).
enum class CloseReason {
    GoingAway, // the server shuts down or drains: reconnect, elsewhere if need be
    TooManyConnections, // the peer's address holds as many connections as it may
    SlowConsumer, // the peer does not read, and what waits for it passed the backlog cap
    Unresponsive, // the peer did not answer a keep-alive ping in time
};

struct CloseFrame
{
    quint16 code = 1000;
    QString reason;
};

// When a quiet connection is pinged, and how long its peer has to answer.
struct KeepAlive
{
    qint64 quietMs = 30'000;
    qint64 answerMs = 30'000;
};

// What one protocol spoken over a Connection supplies: what a message from the peer means,
// what a ping and a close look like. The connection does everything else (the socket,
// sending, the backlog cap, keep-alive, the end). A handler is made for one connection and
// lives as long as it, on its thread.
class ProtocolHandler : public QObject
{
    Q_OBJECT

public:
    explicit ProtocolHandler(Connection &connection);

    Connection &connection() const { return m_connection; }

    // The connection is let in: the handler may greet the peer.
    virtual void opened() = 0;
    virtual void textReceived(const QByteArray &utf8) = 0;
    virtual void binaryReceived() = 0;
    // The connection ended, in order or not; once, and before the handler is deleted.
    virtual void closed() = 0;

    virtual KeepAlive keepAlive() const = 0;
    // The whole frame that asks the peer to show it is there.
    virtual QByteArray pingFrame() const = 0;
    // nullopt: the connection is cut off without a close frame.
    virtual std::optional<CloseFrame> closeFrame(CloseReason reason) const = 0;

private:
    Connection &m_connection;
};

} // namespace confab::server
