#include "auth/SessionToken.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace confab::server::SessionToken {

QString generate()
{
    constexpr qsizetype kTokenBytes = 32;
    QByteArray bytes(kTokenBytes, Qt::Uninitialized);
    // Carrying on without randomness would hand out guessable sessions; stopping is safer.
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), int(bytes.size())) != 1)
        qFatal("The system random number generator failed; cannot create session tokens.");
    const QString token = QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    return token;
}

QString hashOf(const QString &token)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    return a.isEmpty() || CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

} // namespace confab::server::SessionToken
