#pragma once

#include <QSslCertificate>
#include <QString>

#include <memory>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct ssl_method_st SSL_METHOD;

namespace confab::server {

struct TlsIdentity;

// The first error OpenSSL queued on this thread, as text, or whenNone; the queue is emptied.
QString takeOpenSslError(const QString &whenNone);

// The server's one TLS context, shared by every connection on every socket thread. Qt's TLS
// layer builds an OpenSSL context per connection (certificate, key and settings parsed again
// each time), which is most of what an idle connection and an accept cost; with one context
// that work is done once, and session tickets issued on one connection resume on another.
// A client context does the same for a process that opens thousands of connections to one
// server: the load generator.
class TlsContext
{
public:
    static std::shared_ptr<const TlsContext> forServer(const TlsIdentity &identity, QString *error);
    // Trusts the pinned certificate and nothing else: the server must present it (or a chain
    // ending in it); the host name is not checked, the pin says more.
    static std::shared_ptr<const TlsContext> forClient(const QSslCertificate &pinned,
                                                       QString *error);
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    // A new connection state on this context's side, or null when OpenSSL is out of memory.
    SSL *newConnection() const;

private:
    // A context for method's side with what both sides set alike.
    static std::shared_ptr<TlsContext> create(const SSL_METHOD *method, QString *error);
    explicit TlsContext(SSL_CTX *context);

    SSL_CTX *m_context;
};

} // namespace confab::server
