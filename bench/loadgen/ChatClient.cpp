#include "ChatClient.h"

#include "Measure.h"

#include <QMetaEnum>
#include <QSslConfiguration>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

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
        m_socket->abort();
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
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, [this] { onConnected(); });
    connect(m_socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { onText(text); });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this,
            [this](const QByteArray &bytes) { onBinary(bytes); });
    connect(m_socket, &QWebSocket::disconnected, this, &ChatClient::onDisconnected);
    // Only the pinned certificate is trusted. Qt makes an OpenSSL context for each connection,
    // and from the default configuration every one of them would take in the system's whole
    // CA store, only for the pinned certificate's errors to be ignored.
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({ m_endpoint.certificate });
    m_socket->setSslConfiguration(tls);
    // Pinning: exactly the errors that this one certificate causes are accepted, any other
    // certificate fails the handshake.
    m_socket->ignoreSslErrors(m_endpoint.expectedErrors);
    QWebSocketHandshakeOptions options;
    if (!m_endpoint.subprotocol.isEmpty())
        options.setSubprotocols({ m_endpoint.subprotocol });
    m_deadline.start();
    m_socket->open(m_endpoint.url, options);
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
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket = nullptr;
}

void ChatClient::sendText(const QString &text)
{
    if (m_socket)
        m_socket->sendTextMessage(text);
}

void ChatClient::sendBinary(const QByteArray &bytes)
{
    if (m_socket)
        m_socket->sendBinaryMessage(bytes);
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
    QString code;
    if (m_socket->error() != QAbstractSocket::UnknownSocketError) {
        code = u"socket:"_s
            + QString::fromLatin1(QMetaEnum::fromType<QAbstractSocket::SocketError>().valueToKey(
                m_socket->error()));
    } else {
        code = u"close:%1"_s.arg(int(m_socket->closeCode()));
        if (!m_socket->closeReason().isEmpty())
            code += u" "_s + m_socket->closeReason();
    }
    fail(code);
}

} // namespace confab::bench
