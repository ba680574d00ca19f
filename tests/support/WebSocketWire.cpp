#include "WebSocketWire.h"

#include <QRandomGenerator>

namespace confab::test::websocket {

using namespace Qt::StringLiterals;

QByteArray newKey()
{
    quint32 nonce[4];
    QRandomGenerator::global()->fillRange(nonce);
    return QByteArray(reinterpret_cast<const char *>(nonce), sizeof nonce).toBase64();
}

QByteArray upgradeRequest(const QUrl &url, const QByteArray &key, const QString &subprotocol)
{
    QByteArray request = "GET " + url.path(QUrl::FullyEncoded).toUtf8();
    if (url.hasQuery())
        request += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    request += " HTTP/1.1\r\nHost: " + url.host(QUrl::FullyEncoded).toUtf8() + ':'
        + QByteArray::number(url.port()) + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n";
    if (!subprotocol.isEmpty())
        request += "Sec-WebSocket-Protocol: " + subprotocol.toUtf8() + "\r\n";
    return request + "\r\n";
}

qsizetype upgradeAnswerEnd(QByteArrayView received)
{
    const qsizetype blankLine = received.indexOf("\r\n\r\n");
    return blankLine < 0 ? -1 : blankLine + 4;
}

QString upgradeRefusal(QByteArrayView answer, const QByteArray &key)
{
    const QList<QByteArray> lines = answer.toByteArray().split('\n');
    if (!lines.first().startsWith("HTTP/1.1 101"))
        return u"the upgrade was answered with \"%1\" instead of 101"_s.arg(
            QString::fromUtf8(lines.first().trimmed()));
    const QByteArray expectedAccept = acceptKey(key);
    for (const auto &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "sec-websocket-accept"
            && line.mid(colon + 1).trimmed() == expectedAccept)
            return {};
    }
    return u"the 101 answer lacks the right Sec-WebSocket-Accept: %1"_s.arg(
        QString::fromUtf8(answer.toByteArray()));
}

QByteArray clientFrame(Opcode opcode, QByteArrayView payload)
{
    return confab::websocket::clientFrame(opcode, payload, QRandomGenerator::global()->generate());
}

} // namespace confab::test::websocket
