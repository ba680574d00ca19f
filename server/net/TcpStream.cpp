#include "TcpStream.h"

#include <QEvent>
#include <QSocketNotifier>
#include <QTimer>
#include <QVariant>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace confab::server {

namespace {

std::pair<QHostAddress, quint16> addressOf(const sockaddr_storage &address)
{
    const auto *any = reinterpret_cast<const sockaddr *>(&address);
    const quint16 port = any->sa_family == AF_INET6
        ? ntohs(reinterpret_cast<const sockaddr_in6 *>(any)->sin6_port)
        : ntohs(reinterpret_cast<const sockaddr_in *>(any)->sin_port);
    return { QHostAddress(any), port };
}

} // namespace

// QSocketNotifier's own event() passes the event on to QObject::event, takes a QPointer to
// itself and emits two activated() signals, one of them deprecated and never connected; the
// stream then went on with a readyRead() signal of its own. With thousands of connections each
// of those steps touches memory that has left the cache since the connection's last record
// (docs/performance-log.md, "Readiness without signals"). This notifier tells its stream directly.
class TcpStream::ReadNotifier final : public QSocketNotifier
{
public:
    explicit ReadNotifier(TcpStream *stream)
        : QSocketNotifier(stream->m_descriptor, QSocketNotifier::Read, stream)
        , m_stream(stream)
    { }

protected:
    bool event(QEvent *event) override
    {
        if (event->type() != QEvent::SockAct && event->type() != QEvent::SockClose)
            return QSocketNotifier::event(event);
        // The stream's owner may delete the stream, and this notifier with it: nothing of
        // this object is touched afterwards.
        m_stream->onReadable();
        return true;
    }

private:
    TcpStream *m_stream;
};

TcpStream::TcpStream(qintptr descriptor, std::function<void()> onReadyRead, QObject *parent)
    : QObject(parent)
    , m_descriptor(descriptor)
    , m_onReadyRead(std::move(onReadyRead))
{
    sockaddr_storage address {};
    socklen_t length = sizeof address;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) == 0)
        std::tie(m_peerAddress, m_peerPort) = addressOf(address);
    length = sizeof address;
    if (::getsockname(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) == 0)
        std::tie(m_localAddress, m_localPort) = addressOf(address);

    ::fcntl(int(descriptor), F_SETFL, ::fcntl(int(descriptor), F_GETFL) | O_NONBLOCK);
    m_readNotifier = new ReadNotifier(this);
}

void TcpStream::onReadable()
{
    m_drained = false;
    if (m_onReadyRead)
        m_onReadyRead();
}

TcpStream::~TcpStream()
{
    closeDescriptor();
}

qintptr TcpStream::startConnection(const QHostAddress &address, quint16 port, QString *error)
{
    sockaddr_storage storage {};
    socklen_t length = 0;
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    if (isIpv4) {
        auto *in = reinterpret_cast<sockaddr_in *>(&storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(ipv4);
        length = sizeof(sockaddr_in);
    } else if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in = reinterpret_cast<sockaddr_in6 *>(&storage);
        in->sin6_family = AF_INET6;
        in->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&in->sin6_addr, &bytes, sizeof bytes);
        length = sizeof(sockaddr_in6);
    } else {
        *error = QStringLiteral("not an IP address: %1").arg(address.toString());
        return -1;
    }
    const int descriptor
        = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (descriptor < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return -1;
    }
    if (::connect(descriptor, reinterpret_cast<const sockaddr *>(&storage), length) != 0
        && errno != EINPROGRESS) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        ::close(descriptor);
        return -1;
    }
    return descriptor;
}

qint64 TcpStream::read(char *data, qint64 maxSize)
{
    if (!isOpen() || m_atEnd || m_drained)
        return isOpen() ? 0 : -1;
    for (;;) {
        const ssize_t got = ::recv(int(m_descriptor), data, size_t(maxSize), 0);
        if (got > 0) {
            // Less than asked for: the kernel had no more. Asking again before the notifier
            // says more has come would only be answered EAGAIN, one system call per read event
            // for nothing.
            m_drained = got < maxSize;
            return got;
        }
        if (got == 0) {
            m_atEnd = true;
            m_readNotifier->setEnabled(false);
            return 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        setError(errno);
        return -1;
    }
}

bool TcpStream::write(const char *data, qint64 size)
{
    if (!isOpen() || m_error != QAbstractSocket::UnknownSocketError)
        return false;
    // Behind bytes still waiting, a new write waits too: the order is the stream's.
    const qint64 sent = m_pending.isEmpty() ? sendNow(data, size) : 0;
    if (sent < 0)
        return false;
    if (sent < size) {
        m_pending.append(data + sent, size - sent);
        watchWritable();
    }
    return true;
}

void TcpStream::watchWritable()
{
    // Made the first time the kernel refuses bytes: most connections never need it, and a
    // notifier with its connection costs each about half a kilobyte.
    if (!m_writeNotifier) {
        m_writeNotifier = new QSocketNotifier(m_descriptor, QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &TcpStream::sendPending);
    }
    m_writeNotifier->setEnabled(true);
}

qint64 TcpStream::sendNow(const char *data, qint64 size)
{
    qint64 sent = 0;
    while (sent < size) {
        const ssize_t count
            = ::send(int(m_descriptor), data + sent, size_t(size - sent), MSG_NOSIGNAL);
        if (count >= 0) {
            sent += count;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else if (errno != EINTR) {
            setError(errno);
            return -1;
        }
    }
    return sent;
}

void TcpStream::sendPending()
{
    const qint64 sent = sendNow(m_pending.constData(), m_pending.size());
    if (sent < 0 || sent == m_pending.size()) {
        m_pending = QByteArray();
        m_writeNotifier->setEnabled(false);
        if (sent < 0)
            emit broken();
        return;
    }
    // Dropping the front only moves QByteArray's start; the bytes behind it stay put.
    m_pending.remove(0, sent);
}

void TcpStream::setSocketOption(QAbstractSocket::SocketOption option, const QVariant &value)
{
    const int on = value.toInt();
    if (option == QAbstractSocket::LowDelayOption)
        ::setsockopt(int(m_descriptor), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    else if (option == QAbstractSocket::KeepAliveOption)
        ::setsockopt(int(m_descriptor), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
}

QVariant TcpStream::socketOption(QAbstractSocket::SocketOption option) const
{
    int value = 0;
    socklen_t length = sizeof value;
    if (option == QAbstractSocket::LowDelayOption
        && ::getsockopt(int(m_descriptor), IPPROTO_TCP, TCP_NODELAY, &value, &length) == 0)
        return value;
    if (option == QAbstractSocket::KeepAliveOption
        && ::getsockopt(int(m_descriptor), SOL_SOCKET, SO_KEEPALIVE, &value, &length) == 0)
        return value;
    return {};
}

void TcpStream::closeWhenSent(int lingerMs, QObject *keeper)
{
    setParent(keeper);
    disconnect(this, nullptr, nullptr, nullptr);
    m_onReadyRead = nullptr; // its owner is going
    m_readNotifier->setEnabled(false);
    if (m_pending.isEmpty() || m_error != QAbstractSocket::UnknownSocketError) {
        deleteLater();
        return;
    }
    connect(m_writeNotifier, &QSocketNotifier::activated, this, [this] {
        if (m_pending.isEmpty())
            deleteLater();
    });
    connect(this, &TcpStream::broken, this, &QObject::deleteLater);
    QTimer::singleShot(lingerMs, this, &QObject::deleteLater);
}

void TcpStream::setError(int errorNumber)
{
    m_error = errorNumber == ECONNRESET || errorNumber == EPIPE
        ? QAbstractSocket::RemoteHostClosedError
        : errorNumber == ECONNREFUSED ? QAbstractSocket::ConnectionRefusedError
                                      : QAbstractSocket::NetworkError;
    m_errorString = QString::fromLocal8Bit(std::strerror(errorNumber));
}

void TcpStream::closeDescriptor()
{
    if (!isOpen())
        return;
    // The notifiers go before the descriptor they watch.
    delete m_readNotifier;
    delete m_writeNotifier;
    m_readNotifier = m_writeNotifier = nullptr;
    ::close(int(m_descriptor));
    m_descriptor = -1;
}

} // namespace confab::server
