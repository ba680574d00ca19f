#include "FloorConnection.h"

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace confab::bench::floor {

namespace {

bool tlsWouldBlock(SSL *ssl, int rc)
{
    const int error = SSL_get_error(ssl, rc);
    ERR_clear_error();
    return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
}

} // namespace

FloorConnection::~FloorConnection()
{
    SSL_free(ssl);
    if (fd >= 0)
        ::close(fd);
}

int FloorConnection::readSome(char *buffer, int size)
{
    if (!ssl) {
        const ssize_t n = ::recv(fd, buffer, size_t(size), 0);
        return n > 0 ? int(n) : n < 0 && errno == EAGAIN ? 0 : -1;
    }
    const int n = SSL_read(ssl, buffer, size);
    return n > 0 ? n : tlsWouldBlock(ssl, n) ? 0 : -1;
}

int FloorConnection::writeSome(const char *data, int size)
{
    if (!ssl) {
        const ssize_t n = ::send(fd, data, size_t(size), MSG_NOSIGNAL);
        return n >= 0 ? int(n) : errno == EAGAIN ? 0 : -1;
    }
    const int n = SSL_write(ssl, data, size);
    return n > 0 ? n : tlsWouldBlock(ssl, n) ? 0 : -1;
}

FloorConnection::Step FloorConnection::handshake()
{
    if (!ssl) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        return error == 0 ? Step::Done : Step::Failed;
    }
    const int rc = SSL_do_handshake(ssl);
    return rc == 1 ? Step::Done : tlsWouldBlock(ssl, rc) ? Step::Waiting : Step::Failed;
}

void setNoDelay(int fd)
{
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

void watch(int epoll, int fd, uint32_t events, const void *owner)
{
    epoll_event event {};
    event.events = events;
    event.data.ptr = const_cast<void *>(owner);
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0)
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
}

} // namespace confab::bench::floor
