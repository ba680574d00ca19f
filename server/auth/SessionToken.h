#pragma once

#include <QByteArrayView>
#include <QString>

// Session tokens are 256 random bits handed to the client once; the database keeps only their
// SHA-256, so a leaked database does not hand out sessions.
namespace confab::server::SessionToken {

// 32 random bytes in base64url without padding (43 characters).
QString generate();

// Lower-case hex SHA-256 of the token's text: the form that is stored and looked up.
QString hashOf(const QString &token);

// Compares secrets in time that depends only on their lengths, so that a token or signature
// cannot be guessed byte by byte from response times. Different lengths compare unequal.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace confab::server::SessionToken
