#include "TlsContext.h"

#include "TlsIdentity.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace confab::server {

using namespace Qt::StringLiterals;

QString takeOpenSslError(const QString &whenNone)
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return whenNone;
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return QString::fromLatin1(text);
}

namespace {

X509 *x509Of(const QSslCertificate &certificate)
{
    const QByteArray pem = certificate.toPem();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    X509 *x509 = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    return x509;
}

// Always null, with what failed and OpenSSL's reason in *error.
std::nullptr_t failure(QString *error, const QString &what)
{
    *error = u"%1: %2"_s.arg(what, takeOpenSslError(u"unknown OpenSSL error"_s));
    return nullptr;
}

} // namespace

std::shared_ptr<TlsContext> TlsContext::create(const SSL_METHOD *method, QString *error)
{
    SSL_CTX *context = SSL_CTX_new(method);
    if (!context)
        return failure(error, u"Cannot create the TLS context"_s);
    std::shared_ptr<TlsContext> shared(new TlsContext(context));
    if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1)
        return failure(error, u"Cannot require TLS 1.2 or later"_s);
    // A peer that closes without close_notify has ended the stream, not cut an answer short:
    // WebSocket frames and HTTP requests carry their own ends.
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
    // Idle connections hold no record buffers; a connection's plaintext is written whole
    // records at a time and its ciphertext handed to the socket at once.
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    // One read takes in every record that has arrived, not a header and then a body each.
    SSL_CTX_set_read_ahead(context, 1);
    return shared;
}

std::shared_ptr<const TlsContext> TlsContext::forServer(const TlsIdentity &identity, QString *error)
{
    auto shared = create(TLS_server_method(), error);
    if (!shared)
        return nullptr;
    SSL_CTX *context = shared->m_context;
    SSL_CTX_set_options(context, SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Resumption rides on stateless tickets: a server-side session cache would grow with every
    // client ever seen.
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(context, 1);

    for (qsizetype i = 0; i < identity.chain.size(); ++i) {
        X509 *certificate = x509Of(identity.chain.at(i));
        if (!certificate)
            return failure(error, u"Cannot read the TLS certificate"_s);
        // The leaf is the context's own; the others are sent along as its chain.
        const int ok = i == 0 ? SSL_CTX_use_certificate(context, certificate)
                              : SSL_CTX_add0_chain_cert(context, certificate);
        if (i == 0 || ok != 1)
            X509_free(certificate);
        if (ok != 1)
            return failure(error, u"Cannot use the TLS certificate"_s);
    }
    const QByteArray keyPem = identity.privateKey.toPem();
    BIO *bio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    const bool keyUsed = key && SSL_CTX_use_PrivateKey(context, key) == 1;
    EVP_PKEY_free(key);
    if (!keyUsed)
        return failure(error, u"Cannot use the TLS private key"_s);
    if (SSL_CTX_check_private_key(context) != 1)
        return failure(error, u"The TLS private key does not match the certificate"_s);
    return shared;
}

std::shared_ptr<const TlsContext> TlsContext::forClient(const QSslCertificate &pinned,
                                                        QString *error)
{
    auto shared = create(TLS_client_method(), error);
    if (!shared)
        return nullptr;
    SSL_CTX *context = shared->m_context;
    X509 *certificate = x509Of(pinned);
    const bool trusted
        = certificate && X509_STORE_add_cert(SSL_CTX_get_cert_store(context), certificate) == 1;
    X509_free(certificate);
    if (!trusted)
        return failure(error, u"Cannot trust the pinned certificate"_s);
    // The pin is a trust anchor of its own, whether or not it is self-signed.
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(context), X509_V_FLAG_PARTIAL_CHAIN);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    return shared;
}

TlsContext::TlsContext(SSL_CTX *context)
    : m_context(context)
{ }

TlsContext::~TlsContext()
{
    SSL_CTX_free(m_context);
}

SSL *TlsContext::newConnection() const
{
    return SSL_new(m_context);
}

} // namespace confab::server
