#include "EventChecks.h"

#include <QJsonDocument>
#include <QJsonValue>
#include <QStringList>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

bool isInteger(const QJsonValue &value)
{
    return value.isDouble() && value.toDouble() == double(value.toInteger());
}

} // namespace

bool sameUser(const QJsonValue &user, const QJsonObject &expected)
{
    const QJsonObject object = user.toObject();
    return user.isObject() && isInteger(object.value("id"_L1))
        && object.value("id"_L1).toInteger() == expected.value("id"_L1).toInteger()
        && object.value("name"_L1).toString() == expected.value("name"_L1).toString();
}

QString messageMismatch(const QJsonObject &event, qint64 room, qint64 seq,
                        const QJsonObject &sender, const QString &text)
{
    QStringList problems;
    if (event.value("kind"_L1).toString() != "message"_L1)
        problems << u"kind is not \"message\""_s;
    if (!isInteger(event.value("room"_L1)) || event.value("room"_L1).toInteger() != room)
        problems << u"room is not %1"_s.arg(room);
    if (seq > 0 && (!isInteger(event.value("seq"_L1)) || event.value("seq"_L1).toInteger() != seq))
        problems << u"seq is not %1"_s.arg(seq);
    if (!sameUser(event.value("sender"_L1), sender))
        problems << u"sender is not %1 (id %2)"_s.arg(sender.value("name"_L1).toString())
                        .arg(sender.value("id"_L1).toInteger());
    if (!event.value("text"_L1).isString() || event.value("text"_L1).toString() != text)
        problems << u"text is not \"%1\""_s.arg(text.left(200));
    if (!event.value("client_id"_L1).isString())
        problems << u"client_id is not a string"_s;
    if (!isInteger(event.value("ts"_L1)) || event.value("ts"_L1).toInteger() <= 0)
        problems << u"ts is not a time in milliseconds"_s;
    if (!event.contains("edited_ts"_L1) || !event.value("edited_ts"_L1).isNull())
        problems << u"edited_ts is not null"_s;
    if (event.value("deleted"_L1) != QJsonValue(false))
        problems << u"deleted is not false"_s;
    if (problems.isEmpty())
        return {};
    return u"The message event %1 does not match: %2."_s.arg(
        QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact)).left(800),
        problems.join(u"; "_s));
}

} // namespace confab::test
