#include "TlsServerSocket.h"

#include "TlsContext.h"

#include <QLoggingCategory>
#include <QSignalBlocker>
#include <QTimer>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace confab::server {

Q_LOGGING_CATEGORY(lcTls, "confab.tls")

using namespace Qt::StringLiterals;

namespace {

// The largest plaintext of one TLS record.
constexpr int kRecordBytes = 16 * 1024;
// How long a closed connection's last bytes may take to leave before the socket is cut.
constexpr int kLingerMs = 5000;

QString lastOpenSslError()
{
    return takeOpenSslError(u"connection closed during the TLS exchange"_s);
}

} // namespace

// OpenSSL reads and writes the ciphertext straight from and to the transport socket's own
// buffers, so there is no third copy of it in between.
struct TransportBio
{
    static BIO_METHOD *method()
    {
        static BIO_METHOD *const shared = [] {
            BIO_METHOD *method
                = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "confab transport");
            BIO_meth_set_write_ex(method, write);
            BIO_meth_set_read_ex(method, read);
            BIO_meth_set_ctrl(method, control);
            return method;
        }();
        return shared;
    }

    static QTcpSocket *transportOf(BIO *bio)
    {
        return static_cast<TlsServerSocket *>(BIO_get_data(bio))->m_transport;
    }

    static int write(BIO *bio, const char *data, size_t size, size_t *written)
    {
        BIO_clear_retry_flags(bio);
        QTcpSocket *transport = transportOf(bio);
        if (!transport || transport->write(data, qint64(size)) != qint64(size))
            return 0;
        *written = size;
        return 1;
    }

    static int read(BIO *bio, char *data, size_t size, size_t *readBytes)
    {
        BIO_clear_retry_flags(bio);
        QTcpSocket *transport = transportOf(bio);
        const qint64 got = transport ? transport->read(data, qint64(size)) : -1;
        if (got > 0) {
            *readBytes = size_t(got);
            return 1;
        }
        if (got == 0 && transport->state() == QAbstractSocket::ConnectedState)
            BIO_set_retry_read(bio);
        return 0;
    }

    static long control(BIO *, int command, long, void *)
    {
        // Writes are complete when write() returns: the transport buffers what the kernel
        // does not take yet.
        return command == BIO_CTRL_FLUSH ? 1 : 0;
    }
};

TlsServerSocket::TlsServerSocket(std::shared_ptr<const TlsContext> context, QObject *parent)
    : QTcpSocket(parent)
    , m_context(std::move(context))
    , m_transport(new QTcpSocket(this))
    , m_ssl(nullptr, SSL_free)
{ }

TlsServerSocket::~TlsServerSocket() = default;

bool TlsServerSocket::setSocketDescriptor(qintptr socketDescriptor, SocketState, OpenMode)
{
    m_ssl.reset(m_context->newConnection());
    if (!m_ssl || !m_transport->setSocketDescriptor(socketDescriptor)) {
        setSocketError(m_ssl ? m_transport->error() : SslInternalError);
        setErrorString(m_ssl ? m_transport->errorString() : lastOpenSslError());
        return false;
    }
    BIO *bio = BIO_new(TransportBio::method());
    if (!bio) {
        setSocketError(SslInternalError);
        setErrorString(lastOpenSslError());
        return false;
    }
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(m_ssl.get(), bio, bio);
    SSL_set_accept_state(m_ssl.get());

    setPeerAddress(m_transport->peerAddress());
    setPeerPort(m_transport->peerPort());
    setLocalAddress(m_transport->localAddress());
    setLocalPort(m_transport->localPort());
    // Unbuffered: reads come straight from the decrypted plaintext, and QIODevice keeps no
    // buffer of its own per connection (only what is peeked at stays there).
    QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
    setSocketState(ConnectedState);
    connect(m_transport, &QTcpSocket::readyRead, this, &TlsServerSocket::onCiphertextArrived);
    connect(m_transport, &QTcpSocket::disconnected, this,
            &TlsServerSocket::onTransportDisconnected);
    connect(m_transport, &QTcpSocket::errorOccurred, this, &TlsServerSocket::onTransportError);
    return true;
}

bool TlsServerSocket::isSessionResumed() const
{
    return m_encrypted && SSL_session_reused(m_ssl.get()) == 1;
}

qint64 TlsServerSocket::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + (m_plainIn.size() - m_plainInRead);
}

qint64 TlsServerSocket::bytesToWrite() const
{
    return m_plainOut.size() + (m_transport ? m_transport->bytesToWrite() : 0);
}

bool TlsServerSocket::canReadLine() const
{
    return QIODevice::canReadLine() || m_plainIn.indexOf('\n', m_plainInRead) >= 0;
}

void TlsServerSocket::close()
{
    // As with any QIODevice, what was not read is dropped: readers loop while bytes are
    // available.
    if (isOpen())
        QIODevice::close();
    m_plainIn = QByteArray();
    m_plainInRead = 0;
    finish(true);
}

void TlsServerSocket::disconnectFromHost()
{
    finish(true);
}

void TlsServerSocket::setSocketOption(SocketOption option, const QVariant &value)
{
    if (m_transport)
        m_transport->setSocketOption(option, value);
}

QVariant TlsServerSocket::socketOption(SocketOption option)
{
    return m_transport ? m_transport->socketOption(option) : QVariant();
}

qint64 TlsServerSocket::readData(char *data, qint64 maxSize)
{
    const qint64 count = std::min<qint64>(maxSize, m_plainIn.size() - m_plainInRead);
    if (count <= 0)
        return state() == ConnectedState ? 0 : -1;
    memcpy(data, m_plainIn.constData() + m_plainInRead, size_t(count));
    return skipData(count);
}

qint64 TlsServerSocket::skipData(qint64 maxSize)
{
    const qint64 count = std::min<qint64>(maxSize, m_plainIn.size() - m_plainInRead);
    if (count <= 0)
        return state() == ConnectedState ? 0 : -1;
    m_plainInRead += count;
    if (m_plainInRead == m_plainIn.size()) {
        m_plainIn = QByteArray();
        m_plainInRead = 0;
    }
    return count;
}

qint64 TlsServerSocket::writeData(const char *data, qint64 size)
{
    if (state() != ConnectedState)
        return -1;
    m_plainOut.append(data, size);
    if (m_encrypted)
        scheduleEncrypt();
    return size;
}

void TlsServerSocket::onCiphertextArrived()
{
    if (!m_transport || state() != ConnectedState)
        return;
    if (!m_encrypted) {
        ERR_clear_error();
        const int result = SSL_do_handshake(m_ssl.get());
        if (result != 1) {
            if (SSL_get_error(m_ssl.get(), result) == SSL_ERROR_WANT_READ) {
                m_transport->flush();
                return;
            }
            return fail(SslHandshakeFailedError, lastOpenSslError());
        }
        m_encrypted = true;
        m_transport->flush();
        emit encrypted();
        if (!m_plainOut.isEmpty())
            scheduleEncrypt();
    }
    decrypt();
}

void TlsServerSocket::releasePeekBuffer()
{
    if (QIODevice::bytesAvailable() > 0) {
        m_releasePeekBuffer = true;
        return;
    }
    m_releasePeekBuffer = false;
    // Closing the device is the only way to make QIODevice let go of its buffer; to those
    // listening, nothing happened.
    const QSignalBlocker quiet(this);
    const OpenMode mode = openMode();
    QIODevice::close();
    QIODevice::open(mode);
}

void TlsServerSocket::decrypt()
{
    if (m_releasePeekBuffer)
        releasePeekBuffer();
    const qsizetype before = m_plainIn.size();
    bool peerClosed = false;
    for (;;) {
        char buffer[kRecordBytes];
        size_t count = 0;
        ERR_clear_error();
        const int result = SSL_read_ex(m_ssl.get(), buffer, sizeof buffer, &count);
        if (result == 1) {
            m_plainIn.append(buffer, qsizetype(count));
            continue;
        }
        const int error = SSL_get_error(m_ssl.get(), result);
        if (error == SSL_ERROR_WANT_READ)
            break;
        if (error == SSL_ERROR_ZERO_RETURN) {
            peerClosed = true;
            break;
        }
        if (m_plainIn.size() > before)
            emit readyRead();
        return fail(SslInternalError, lastOpenSslError());
    }
    // TLS 1.3 may answer what it read (a key update), and the transport sends it at once.
    if (m_transport && m_transport->bytesToWrite() > 0)
        m_transport->flush();
    if (m_plainIn.size() > before)
        emit readyRead();
    if (peerClosed && state() == ConnectedState) {
        emit readChannelFinished();
        finish(true);
    }
}

void TlsServerSocket::scheduleEncrypt()
{
    if (m_encryptQueued)
        return;
    m_encryptQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_encryptQueued = false;
            encryptPending();
        },
        Qt::QueuedConnection);
}

bool TlsServerSocket::encryptPending()
{
    if (!m_transport || !m_encrypted || m_plainOut.isEmpty())
        return true;
    qsizetype offset = 0;
    while (offset < m_plainOut.size()) {
        const size_t chunk = size_t(std::min<qsizetype>(kRecordBytes, m_plainOut.size() - offset));
        size_t written = 0;
        ERR_clear_error();
        if (SSL_write_ex(m_ssl.get(), m_plainOut.constData() + offset, chunk, &written) != 1) {
            m_plainOut = QByteArray();
            fail(SslInternalError, lastOpenSslError());
            return false;
        }
        offset += qsizetype(written);
    }
    m_plainOut = QByteArray();
    if (m_transport)
        m_transport->flush();
    emit bytesWritten(offset);
    return true;
}

void TlsServerSocket::onTransportDisconnected()
{
    if (state() != ConnectedState)
        return;
    emit readChannelFinished();
    finish(false);
}

void TlsServerSocket::onTransportError(SocketError error)
{
    if (state() == UnconnectedState)
        return;
    setSocketError(error);
    setErrorString(m_transport->errorString());
    emit errorOccurred(error);
}

void TlsServerSocket::fail(SocketError error, const QString &reason)
{
    if (state() != ConnectedState)
        return;
    qCDebug(lcTls).noquote() << "TLS with" << peerAddress().toString() << "failed:" << reason;
    setSocketError(error);
    setErrorString(reason);
    emit errorOccurred(error);
    finish(false);
}

void TlsServerSocket::finish(bool orderly)
{
    // Sending the last bytes can report the peer gone (and come back here) on the way.
    if (state() != ConnectedState)
        return;
    setSocketState(ClosingState);
    emit stateChanged(ClosingState);
    if (orderly && m_encrypted && m_transport && m_transport->state() == ConnectedState
        && encryptPending() && m_transport) {
        ERR_clear_error();
        SSL_shutdown(m_ssl.get());
    }
    if (m_transport)
        releaseTransport(orderly);
    setSocketState(UnconnectedState);
    emit stateChanged(UnconnectedState);
    emit disconnected();
}

void TlsServerSocket::releaseTransport(bool orderly)
{
    QTcpSocket *transport = std::exchange(m_transport, nullptr);
    disconnect(transport, nullptr, this, nullptr);
    if (!orderly || transport->state() != ConnectedState) {
        transport->abort();
        transport->deleteLater();
        return;
    }
    transport->flush();
    if (transport->bytesToWrite() == 0) {
        transport->disconnectFromHost();
        transport->deleteLater();
        return;
    }
    // The last bytes leave on their own; this socket may be gone before they have.
    transport->setParent(nullptr);
    connect(transport, &QTcpSocket::disconnected, transport, &QObject::deleteLater);
    QTimer::singleShot(kLingerMs, transport, [transport] {
        transport->abort();
        transport->deleteLater();
    });
    transport->disconnectFromHost();
}

} // namespace confab::server
