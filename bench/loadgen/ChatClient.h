#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <memory>

typedef struct ssl_session_st SSL_SESSION;

namespace confab::server {
class TlsContext;
}

namespace confab::bench {

class WebSocketClient;

// Where the clients of one measurement connect: a wss URL on an IP address, the TLS context
// all of them share, which trusts only the pinned certificate (self-signed certificates of
// confabd and of the peers alike), and the WebSocket subprotocol to ask for.
struct Endpoint
{
    QUrl url;
    std::shared_ptr<const server::TlsContext> tls;
    QString subprotocol;
};

// One chat connection over a secure WebSocket, whatever the protocol on top: confabd's own,
// XMPP or MQTT. The scenarios see only this interface: open (connect, sign in, join the
// user's rooms), send a message to a room, and the observer's callbacks, which all run on
// the client's thread.
class ChatClient : public QObject
{
    Q_OBJECT

public:
    class Observer
    {
    public:
        virtual ~Observer() = default;
        virtual void ready(ChatClient *) { }
        // Before ready: the connection or sign-in failed. After ready: the connection broke
        // without being asked to.
        virtual void failed(ChatClient *, const QString &code, bool wasReady) = 0;
        // The server took responsibility for a message: confabd's acknowledgement after
        // commit, the XMPP room's reflection, the MQTT broker's echo to its publisher.
        virtual void accepted(ChatClient *, int room, qint64 seq, qint64 sentNs) = 0;
        virtual void refused(ChatClient *, const QString &code) = 0;
        virtual void delivered(ChatClient *, int room, qint64 seq, QStringView text) = 0;
    };

    static constexpr int kOpenTimeoutMs = 60'000;

    ChatClient(const Endpoint &endpoint, int index, QObject *parent);
    ~ChatClient() override;

    int index() const { return m_index; }
    void setObserver(Observer *observer) { m_observer = observer; }
    bool isReady() const { return m_ready; }
    bool isOpen() const { return m_socket != nullptr; }
    qint64 openedAtNs() const { return m_openedAtNs; }

    void open();
    void close();
    // Drops the connection without a closing handshake, as a lost network does.
    void abort();

    virtual void sendMessage(int room, const QString &text, qint64 sentNs) = 0;
    // Called now and then on idle connections; for protocols that need their own pings.
    virtual void keepAlive() { }

protected:
    virtual void onConnected() { }
    // A text message, as the UTF-8 that came.
    virtual void onText(const QByteArray &) { }
    virtual void onBinary(const QByteArray &) { }
    virtual void onReset() { }

    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);
    void becomeReady();
    // Ends the connection and reports code to the observer.
    void fail(const QString &code);
    Observer *observer() const { return m_observer; }

private:
    void onDisconnected();
    void dropSocket();

    Endpoint m_endpoint;
    int m_index;
    Observer *m_observer = nullptr;
    WebSocketClient *m_socket = nullptr;
    // The TLS session of the last connection that received a ticket.
    std::shared_ptr<SSL_SESSION> m_tlsSession;
    QTimer m_deadline;
    qint64 m_openedAtNs = 0;
    bool m_ready = false;
    bool m_closing = false;
};

} // namespace confab::bench
