#include "TlsSocket.h"

#include "TcpStream.h"
#include "TlsContext.h"

#include <QLoggingCategory>
#include <QSignalBlocker>

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

// OpenSSL reads and writes the ciphertext straight from and to the connection's descriptor.
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

    static TcpStream *transportOf(BIO *bio)
    {
        return static_cast<TlsSocket *>(BIO_get_data(bio))->m_transport;
    }

    static int write(BIO *bio, const char *data, size_t size, size_t *written)
    {
        BIO_clear_retry_flags(bio);
        TcpStream *transport = transportOf(bio);
        if (!transport || !transport->write(data, qint64(size)))
            return 0;
        *written = size;
        return 1;
    }

    static int read(BIO *bio, char *data, size_t size, size_t *readBytes)
    {
        BIO_clear_retry_flags(bio);
        TcpStream *transport = transportOf(bio);
        const qint64 got = transport ? transport->read(data, qint64(size)) : -1;
        if (got > 0) {
            *readBytes = size_t(got);
            return 1;
        }
        if (got == 0 && !transport->atEnd())
            BIO_set_retry_read(bio);
        return 0;
    }

    static long control(BIO *, int command, long, void *)
    {
        // Writes are complete when write() returns: the stream keeps what the kernel does not
        // take yet.
        return command == BIO_CTRL_FLUSH ? 1 : 0;
    }
};

TlsSocket::TlsSocket(std::shared_ptr<const TlsContext> context, QObject *parent)
    : QTcpSocket(parent)
    , m_context(std::move(context))
    , m_ssl(nullptr, SSL_free)
{ }

TlsSocket::~TlsSocket() = default;

bool TlsSocket::setSocketDescriptor(qintptr socketDescriptor, SocketState, OpenMode)
{
    // The stream owns the descriptor from here: it is closed, whatever fails next.
    m_transport = new TcpStream(
        socketDescriptor, [this] { onCiphertextArrived(); }, this);
    m_ssl.reset(m_context->newConnection());
    BIO *bio = m_ssl ? BIO_new(TransportBio::method()) : nullptr;
    if (!bio) {
        setSocketError(SslInternalError);
        setErrorString(lastOpenSslError());
        delete std::exchange(m_transport, nullptr);
        return false;
    }
    // Records leave whole, as many as a turn of the event loop wrote: Nagle's algorithm
    // would only hold the next turn's back.
    m_transport->setSocketOption(LowDelayOption, 1);
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(m_ssl.get(), bio, bio);
    const bool isClient = SSL_is_server(m_ssl.get()) == 0;
    if (isClient) {
        SSL_set_connect_state(m_ssl.get());
        offerSession();
    } else {
        SSL_set_accept_state(m_ssl.get());
    }

    // A client's connection is still being made: connectToHost() names the peer.
    if (!isClient) {
        setPeerAddress(m_transport->peerAddress());
        setPeerPort(m_transport->peerPort());
    }
    setLocalAddress(m_transport->localAddress());
    setLocalPort(m_transport->localPort());
    // Unbuffered: reads come straight from the decrypted plaintext, and QIODevice keeps no
    // buffer of its own per connection (only what is peeked at stays there).
    QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
    setSocketState(ConnectedState);
    connect(m_transport, &TcpStream::broken, this, [this] { failWith(NetworkError); });
    // A client speaks first: its hello waits in the stream until the connection is made. Sent
    // from the event loop, so that a connection refused at once is reported from there too.
    if (isClient)
        QMetaObject::invokeMethod(this, &TlsSocket::onCiphertextArrived, Qt::QueuedConnection);
    return true;
}

void TlsSocket::connectToHost(const QString &address, quint16 port, OpenMode, NetworkLayerProtocol)
{
    if (state() != UnconnectedState)
        return;
    const QHostAddress host(address);
    setPeerName(address);
    setPeerAddress(host);
    setPeerPort(port);
    QString reason = u"not an IP address: %1"_s.arg(address);
    const qintptr descriptor = host.isNull() ? -1 : TcpStream::startConnection(host, port, &reason);
    if (descriptor < 0 || !setSocketDescriptor(descriptor)) {
        setSocketError(descriptor < 0 ? HostNotFoundError : SslInternalError);
        if (descriptor < 0)
            setErrorString(reason);
        // Reported from the event loop, as a connection that fails later would be.
        QMetaObject::invokeMethod(
            this,
            [this] {
                emit errorOccurred(error());
                emit disconnected();
            },
            Qt::QueuedConnection);
    }
}

bool TlsSocket::isSessionResumed() const
{
    return m_encrypted && SSL_session_reused(m_ssl.get()) == 1;
}

std::shared_ptr<SSL_SESSION> TlsSocket::session() const
{
    // Under TLS 1.3 a session becomes resumable only once the ticket, sent after the
    // handshake, has been read.
    SSL_SESSION *current
        = m_ssl && !SSL_is_server(m_ssl.get()) ? SSL_get_session(m_ssl.get()) : nullptr;
    if (!current || SSL_SESSION_is_resumable(current) != 1)
        return {};
    // A copy: OpenSSL marks a connection's own session unusable when the connection ends
    // without a close_notify, as when the network is lost, which is when a client most wants
    // to resume. TLS 1.3 does not ask for that, and browsers keep their tickets regardless.
    SSL_SESSION *copy = SSL_SESSION_dup(current);
    if (!copy)
        return {};
    return { copy, SSL_SESSION_free };
}

void TlsSocket::offerSession()
{
    if (m_offeredSession)
        SSL_set_session(m_ssl.get(), m_offeredSession.get());
}

qint64 TlsSocket::bytesAvailable() const
{
    return QIODevice::bytesAvailable() + (m_plainIn.size() - m_plainInRead);
}

qint64 TlsSocket::bytesToWrite() const
{
    return m_plainOut.size() + (m_transport ? m_transport->bytesToWrite() : 0);
}

bool TlsSocket::canReadLine() const
{
    return QIODevice::canReadLine() || m_plainIn.indexOf('\n', m_plainInRead) >= 0;
}

void TlsSocket::close()
{
    // As with any QIODevice, what was not read is dropped: readers loop while bytes are
    // available.
    if (isOpen())
        QIODevice::close();
    m_plainIn = QByteArray();
    m_plainInRead = 0;
    finish(true);
}

void TlsSocket::disconnectFromHost()
{
    finish(true);
}

void TlsSocket::setSocketOption(SocketOption option, const QVariant &value)
{
    if (m_transport)
        m_transport->setSocketOption(option, value);
}

QVariant TlsSocket::socketOption(SocketOption option)
{
    return m_transport ? m_transport->socketOption(option) : QVariant();
}

qint64 TlsSocket::readData(char *data, qint64 maxSize)
{
    const qint64 count = std::min<qint64>(maxSize, m_plainIn.size() - m_plainInRead);
    if (count <= 0)
        return state() == ConnectedState ? 0 : -1;
    memcpy(data, m_plainIn.constData() + m_plainInRead, size_t(count));
    return skipData(count);
}

qint64 TlsSocket::skipData(qint64 maxSize)
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

qint64 TlsSocket::writeData(const char *data, qint64 size)
{
    if (state() != ConnectedState)
        return -1;
    m_plainOut.append(data, size);
    if (m_encrypted)
        scheduleEncrypt();
    return size;
}

void TlsSocket::onCiphertextArrived()
{
    if (!m_transport || state() != ConnectedState)
        return;
    if (!m_encrypted) {
        ERR_clear_error();
        const int result = SSL_do_handshake(m_ssl.get());
        if (result != 1) {
            if (SSL_get_error(m_ssl.get(), result) == SSL_ERROR_WANT_READ)
                return;
            return failWith(SslHandshakeFailedError);
        }
        m_encrypted = true;
        emit encrypted();
        if (!m_plainOut.isEmpty())
            scheduleEncrypt();
    }
    decrypt();
}

void TlsSocket::releasePeekBuffer()
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

void TlsSocket::decrypt()
{
    if (m_releasePeekBuffer)
        releasePeekBuffer();
    const qsizetype before = m_plainIn.size();
    bool peerClosed = false;
    for (;;) {
        // Decrypted on the stack and then appended: reading straight into the buffer would
        // cost a record-sized allocation per read, for plaintext that is mostly a few hundred
        // bytes.
        char record[kRecordBytes];
        size_t count = 0;
        ERR_clear_error();
        const int result = SSL_read_ex(m_ssl.get(), record, sizeof record, &count);
        if (result == 1) {
            m_plainIn.append(record, qsizetype(count));
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
        return failWith(SslInternalError);
    }
    // An idle connection keeps no buffer.
    if (m_plainIn.isEmpty())
        m_plainIn = QByteArray();
    if (m_plainIn.size() > before)
        emit readyRead();
    // The peer's close_notify, or its end of the stream (the context ignores a missing
    // close_notify: WebSocket frames carry their own ends).
    if (peerClosed && state() == ConnectedState) {
        setSocketError(RemoteHostClosedError);
        setErrorString(u"The remote host closed the connection"_s);
        emit errorOccurred(RemoteHostClosedError);
        emit readChannelFinished();
        finish(true);
    }
}

void TlsSocket::scheduleEncrypt()
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

bool TlsSocket::encryptPending()
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
            failWith(SslInternalError);
            return false;
        }
        offset += qsizetype(written);
    }
    m_plainOut = QByteArray();
    emit bytesWritten(offset);
    return true;
}

void TlsSocket::failWith(SocketError error)
{
    if (state() != ConnectedState)
        return;
    // A broken connection says more than the TLS error it caused.
    const bool broken = m_transport->error() != UnknownSocketError;
    const QString reason = broken ? m_transport->errorString() : lastOpenSslError();
    ERR_clear_error();
    if (broken)
        error = m_transport->error();
    qCDebug(lcTls).noquote() << "TLS with" << peerAddress().toString() << "ended:" << reason;
    setSocketError(error);
    setErrorString(reason);
    emit errorOccurred(error);
    finish(false);
}

void TlsSocket::finish(bool orderly)
{
    // Sending the last bytes can report the peer gone (and come back here) on the way.
    if (state() != ConnectedState)
        return;
    setSocketState(ClosingState);
    emit stateChanged(ClosingState);
    if (orderly && m_encrypted && m_transport->error() == UnknownSocketError && encryptPending()) {
        ERR_clear_error();
        SSL_shutdown(m_ssl.get());
    }
    // The last bytes leave on their own, even after this socket is gone.
    TcpStream *transport = std::exchange(m_transport, nullptr);
    disconnect(transport, nullptr, this, nullptr);
    if (orderly)
        transport->closeWhenSent(kLingerMs, parent());
    else
        delete transport;
    setSocketState(UnconnectedState);
    emit stateChanged(UnconnectedState);
    emit disconnected();
}

} // namespace confab::server
