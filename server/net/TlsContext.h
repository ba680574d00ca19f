#pragma once

#include <QString>

#include <memory>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace confab::server {

struct TlsIdentity;

// The first error OpenSSL queued on this thread, as text, or whenNone; the queue is emptied.
QString takeOpenSslError(const QString &whenNone);

// The server's one TLS context, shared by every connection on every socket thread. Qt's TLS
// layer builds an OpenSSL context per connection (certificate, key and settings parsed again
// each time), which is most of what an idle connection and an accept cost; with one context
// that work is done once, and session tickets issued on one connection resume on another.
class TlsContext
{
public:
    static std::shared_ptr<const TlsContext> forServer(const TlsIdentity &identity, QString *error);
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    // A new server-side connection state, or null when OpenSSL is out of memory.
    SSL *newConnection() const;

private:
    explicit TlsContext(SSL_CTX *context);

    SSL_CTX *m_context;
};

} // namespace confab::server
