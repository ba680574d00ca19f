#pragma once

#include <QJsonObject>
#include <QString>

namespace confab::test {

// Empty when event is the message of room at seq (any seq when 0) from sender (a user object
// {"id", "name"}) with text, fresh (neither edited nor deleted), with every field that
// docs/protocol.md gives a message event; otherwise what differs.
QString messageMismatch(const QJsonObject &event, qint64 room, qint64 seq,
                        const QJsonObject &sender, const QString &text);

// The user object {"id", "name"} a client got when it signed in, as other users see it.
bool sameUser(const QJsonValue &user, const QJsonObject &expected);

} // namespace confab::test

// Fail the current test function unless event is the expected fresh message.
#define CONFAB_VERIFY_MESSAGE(event, room, seq, sender, text)                                      \
    do {                                                                                           \
        const QString confabMismatch_                                                              \
            = ::confab::test::messageMismatch((event), (room), (seq), (sender), (text));           \
        QVERIFY2(confabMismatch_.isEmpty(), qPrintable(confabMismatch_));                          \
    } while (false)
