#include "Signatures.h"

#include "auth/SessionToken.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QUrl>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace confab::server::PusherSignature {

using namespace Qt::StringLiterals;

QByteArray hmacHex(QByteArrayView secret, QByteArrayView message)
{
    return QMessageAuthenticationCode::hash(message.toByteArray(), secret.toByteArray(),
                                            QCryptographicHash::Sha256)
        .toHex();
}

QByteArray md5Hex(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
}

QByteArray channelString(QStringView socketId, QStringView channel, QStringView channelData)
{
    QByteArray text = socketId.toUtf8() + ':' + channel.toUtf8();
    if (!channelData.isNull())
        text += ':' + channelData.toUtf8();
    return text;
}

QByteArray userString(QStringView socketId, QStringView userData)
{
    return socketId.toUtf8() + "::user::" + userData.toUtf8();
}

bool verifyAuth(QStringView auth, const QString &key, const QString &secret, QByteArrayView message)
{
    const qsizetype colon = auth.lastIndexOf(u':');
    if (colon < 0)
        return false;
    const QByteArray givenKey = auth.first(colon).toUtf8();
    const QByteArray givenSignature = auth.mid(colon + 1).toUtf8().toLower();
    const bool keyMatches = SessionToken::constantTimeEquals(givenKey, key.toUtf8());
    const bool signatureMatches
        = SessionToken::constantTimeEquals(givenSignature, hmacHex(secret.toUtf8(), message));
    return keyMatches && signatureMatches;
}

QString makeAuth(const QString &key, const QString &secret, QByteArrayView message)
{
    return key + u':' + QString::fromLatin1(hmacHex(secret.toUtf8(), message));
}

bool isSocketId(QStringView text)
{
    const qsizetype dot = text.indexOf(u'.');
    if (dot <= 0 || dot == text.size() - 1 || text.size() > 64)
        return false;
    const auto digits = [](QStringView part) {
        return std::all_of(part.begin(), part.end(),
                           [](QChar c) { return c >= u'0' && c <= u'9'; });
    };
    return digits(text.first(dot)) && digits(text.mid(dot + 1));
}

QueryItems parseQuery(QByteArrayView query)
{
    QueryItems items;
    for (const QByteArray &pair : query.toByteArray().split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        QByteArray key = equals < 0 ? pair : pair.first(equals);
        QByteArray value = equals < 0 ? QByteArray() : pair.mid(equals + 1);
        // Form encoding writes a space as '+' (PHP's http_build_query does).
        key.replace('+', ' ');
        value.replace('+', ' ');
        items.append(
            { QUrl::fromPercentEncoding(key).toLower(), QUrl::fromPercentEncoding(value) });
    }
    return items;
}

QByteArray requestString(QByteArrayView method, QByteArrayView path, const QueryItems &query)
{
    QueryItems sorted;
    for (const auto &item : query) {
        if (item.first != "auth_signature"_L1)
            sorted.append(item);
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QByteArray joined;
    for (const auto &[key, value] : std::as_const(sorted)) {
        if (!joined.isEmpty())
            joined += '&';
        joined += key.toUtf8() + '=' + value.toUtf8();
    }
    return method.toByteArray().toUpper() + '\n' + path.toByteArray() + '\n' + joined;
}

namespace {

std::optional<QString> valueOf(const QueryItems &query, QLatin1StringView key)
{
    for (const auto &[name, value] : query) {
        if (name == key)
            return value;
    }
    return std::nullopt;
}

} // namespace

RequestCheck checkRequest(QByteArrayView method, QByteArrayView path, const QueryItems &query,
                          QByteArrayView body, const QString &key, const QString &secret,
                          qint64 nowS)
{
    const auto authKey = valueOf(query, "auth_key"_L1);
    const auto timestamp = valueOf(query, "auth_timestamp"_L1);
    const auto version = valueOf(query, "auth_version"_L1);
    const auto signature = valueOf(query, "auth_signature"_L1);
    if (!authKey || !timestamp || !version || !signature)
        return RequestCheck::MissingParameter;
    if (!SessionToken::constantTimeEquals(authKey->toUtf8(), key.toUtf8()))
        return RequestCheck::UnknownKey;
    if (*version != "1.0"_L1)
        return RequestCheck::UnsupportedVersion;
    bool ok = false;
    const qint64 seconds = timestamp->toLongLong(&ok);
    if (!ok || std::llabs(nowS - seconds) > kTimestampWindowS)
        return RequestCheck::StaleTimestamp;
    // The signature covers body_md5, not the body: the MD5 is recomputed so that a body
    // swapped under a valid signature is caught.
    const auto bodyMd5 = valueOf(query, "body_md5"_L1);
    if (!body.isEmpty() || bodyMd5) {
        if (!bodyMd5
            || !SessionToken::constantTimeEquals(bodyMd5->toUtf8().toLower(), md5Hex(body)))
            return RequestCheck::BodyMismatch;
    }
    const QByteArray expected = hmacHex(secret.toUtf8(), requestString(method, path, query));
    if (!SessionToken::constantTimeEquals(signature->toUtf8().toLower(), expected))
        return RequestCheck::BadSignature;
    return RequestCheck::Valid;
}

QString describe(RequestCheck check)
{
    switch (check) {
    case RequestCheck::Valid:
        return {};
    case RequestCheck::MissingParameter:
        return u"auth_key, auth_timestamp, auth_version and auth_signature are required"_s;
    case RequestCheck::UnknownKey:
        return u"Unknown auth_key"_s;
    case RequestCheck::UnsupportedVersion:
        return u"auth_version must be 1.0"_s;
    case RequestCheck::StaleTimestamp:
        return u"Timestamp expired: auth_timestamp must be within %1 s of the server's time"_s.arg(
            kTimestampWindowS);
    case RequestCheck::BodyMismatch:
        return u"body_md5 does not match the request body"_s;
    case RequestCheck::BadSignature:
        return u"Invalid signature: auth_signature is not the HMAC SHA256 hex digest of "
               u"METHOD\\nPATH\\nSORTED_QUERY under the app secret"_s;
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace confab::server::PusherSignature
