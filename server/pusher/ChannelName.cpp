#include "ChannelName.h"

#include <algorithm>

namespace confab::server::ChannelName {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kServerToUser = "#server-to-user-"_L1;

bool isNameCharacter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
        || u == u'_' || u == u'-' || u == u'=' || u == u'@' || u == u',' || u == u'.' || u == u';';
}

} // namespace

Kind kindOf(QStringView name)
{
    if (name.startsWith(kServerToUser))
        return Kind::ServerToUser;
    if (name.startsWith("private-encrypted-"_L1))
        return Kind::Encrypted;
    if (name.startsWith("private-"_L1))
        return Kind::Private;
    if (name.startsWith("presence-"_L1))
        return Kind::Presence;
    return Kind::Public;
}

bool isCache(QStringView name)
{
    return name.startsWith("cache-"_L1) || name.startsWith("private-cache-"_L1)
        || name.startsWith("private-encrypted-cache-"_L1) || name.startsWith("presence-cache-"_L1);
}

bool isValid(QStringView name)
{
    if (name.isEmpty() || name.size() > kMaxLength)
        return false;
    QStringView rest = name;
    if (name.startsWith(kServerToUser)) {
        rest = name.mid(kServerToUser.size());
        if (rest.isEmpty())
            return false;
    }
    return std::all_of(rest.begin(), rest.end(), isNameCharacter);
}

bool needsSignature(Kind kind)
{
    return kind == Kind::Private || kind == Kind::Encrypted || kind == Kind::Presence;
}

bool allowsClientEvents(Kind kind)
{
    return needsSignature(kind);
}

QString serverToUserId(QStringView name)
{
    return name.startsWith(kServerToUser) ? name.mid(kServerToUser.size()).toString() : QString();
}

QString ofRoom(qint64 roomId)
{
    return u"presence-room."_s + QString::number(roomId);
}

bool isRoom(QStringView name)
{
    constexpr auto prefix = "presence-room."_L1;
    if (!name.startsWith(prefix) || name.size() == prefix.size())
        return false;
    const QStringView id = name.sliced(prefix.size());
    return std::all_of(id.begin(), id.end(), [](QChar c) { return c.isDigit(); });
}

} // namespace confab::server::ChannelName
