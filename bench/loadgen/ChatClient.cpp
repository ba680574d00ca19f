#include "ChatClient.h"

#include "Measure.h"
#include "WebSocketClient.h"

namespace confab::bench {

using namespace Qt::StringLiterals;

ChatClient::ChatClient(const Endpoint &endpoint, int index, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_index(index)
{
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(kOpenTimeoutMs);
    connect(&m_deadline, &QTimer::timeout, this, [this] { fail(u"timeout:open"_s); });
}

ChatClient::~ChatClient()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->forgetMessageHandler();
        delete m_socket;
    }
}

void ChatClient::open()
{
    dropSocket();
    onReset();
    m_ready = false;
    m_closing = false;
    m_openedAtNs = nowNs();
    m_socket = new WebSocketClient(
        m_endpoint.tls,
        [this](bool isText, const QByteArray &payload) {
            if (isText)
                onText(payload);
            else
                onBinary(payload);
        },
        this);
    connect(m_socket, &WebSocketClient::connected, this, [this] { onConnected(); });
    connect(m_socket, &WebSocketClient::disconnected, this, &ChatClient::onDisconnected);
    m_deadline.start();
    m_socket->open(m_endpoint.url, m_endpoint.subprotocol, m_tlsSession);
}

void ChatClient::close()
{
    if (!m_socket)
        return;
    m_closing = true;
    m_deadline.stop();
    m_socket->close();
}

void ChatClient::abort()
{
    m_closing = true;
    m_deadline.stop();
    dropSocket();
    m_ready = false;
}

void ChatClient::dropSocket()
{
    if (!m_socket)
        return;
    // Kept for the next connection, as browsers and TLS libraries keep a server's sessions:
    // a client that comes back resumes rather than repeating the full handshake.
    if (auto session = m_socket->tlsSession())
        m_tlsSession = std::move(session);
    m_socket->disconnect(this);
    m_socket->forgetMessageHandler();
    // Gone without a closing handshake once deleted, as when the network is lost.
    m_socket->deleteLater();
    m_socket = nullptr;
}

void ChatClient::sendText(const QString &text)
{
    if (m_socket)
        m_socket->sendText(text);
}

void ChatClient::sendBinary(const QByteArray &bytes)
{
    if (m_socket)
        m_socket->sendBinary(bytes);
}

void ChatClient::becomeReady()
{
    m_deadline.stop();
    m_ready = true;
    if (m_observer)
        m_observer->ready(this);
}

void ChatClient::fail(const QString &code)
{
    const bool wasReady = m_ready;
    m_deadline.stop();
    m_closing = true;
    dropSocket();
    m_ready = false;
    if (m_observer)
        m_observer->failed(this, code, wasReady);
}

void ChatClient::onDisconnected()
{
    if (m_closing) {
        dropSocket();
        m_ready = false;
        return;
    }
    const QString code = m_socket->endReason();
    fail(code);
}

} // namespace confab::bench
