#pragma once

#include "websocket/WebSocketFrame.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QUrl>

// A client's half of RFC 6455 on the wire, for the clients that write WebSocket by hand
// (tests that misbehave on purpose, the load generator): the upgrade request and the check of
// its answer, and masked frames out. The frames themselves are the server's
// (websocket/WebSocketFrame.h).
namespace confab::test::websocket {

using namespace confab::websocket;

// A fresh Sec-WebSocket-Key.
QByteArray newKey();
QByteArray upgradeRequest(const QUrl &url, const QByteArray &key, const QString &subprotocol = {});
// Where the answer to the upgrade request ends (after its blank line), or -1 while it has not
// all arrived.
qsizetype upgradeAnswerEnd(QByteArrayView received);
// Empty when answer (the status line and headers) accepts the upgrade asked for with key;
// otherwise what is wrong with it.
QString upgradeRefusal(QByteArrayView answer, const QByteArray &key);

// A frame from a client, under a fresh random mask.
QByteArray clientFrame(Opcode opcode, QByteArrayView payload);

} // namespace confab::test::websocket
