#include "protocol/Validation.h"

#include "protocol/Limits.h"

#include <algorithm>

namespace confab::protocol::validation {

using namespace Qt::StringLiterals;

namespace {

bool isUsernameChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || c == u'.' || c == u'_' || c == u'-';
}

bool hasControlCharacter(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c.category() == QChar::Other_Control; });
}

} // namespace

std::optional<ProtocolError> username(const QString &name)
{
    if (name.size() < kUsernameMinChars || name.size() > kUsernameMaxChars
        || !std::all_of(name.cbegin(), name.cend(), isUsernameChar))
        return makeError(ErrorCode::InvalidUsername,
                         u"A user name has %1 to %2 characters: letters, digits, '.', '_' or '-'."_s
                             .arg(kUsernameMinChars)
                             .arg(kUsernameMaxChars));
    return std::nullopt;
}

std::optional<ProtocolError> password(const QString &password)
{
    if (password.size() < kPasswordMinChars || password.size() > kPasswordMaxChars)
        return makeError(
            ErrorCode::WeakPassword,
            u"A password has %1 to %2 characters."_s.arg(kPasswordMinChars).arg(kPasswordMaxChars));
    return std::nullopt;
}

std::optional<ProtocolError> roomName(const QString &name)
{
    if (name.trimmed().isEmpty() || name.size() > kRoomNameMaxChars || hasControlCharacter(name))
        return makeError(ErrorCode::InvalidName,
                         u"A room name has 1 to %1 characters and no control characters."_s.arg(
                             kRoomNameMaxChars));
    return std::nullopt;
}

std::optional<ProtocolError> topic(const QString &topic)
{
    if (topic.size() > kTopicMaxChars || hasControlCharacter(topic))
        return makeError(
            ErrorCode::InvalidName,
            u"A topic has at most %1 characters and no control characters."_s.arg(kTopicMaxChars));
    return std::nullopt;
}

std::optional<ProtocolError> messageText(const QString &text, qsizetype maxUtf8Bytes)
{
    if (text.isEmpty())
        return makeError(ErrorCode::BadRequest, u"\"text\" must not be empty."_s);
    // PostgreSQL's text cannot hold it, and both databases must keep the same messages.
    if (text.contains(QChar::Null))
        return makeError(ErrorCode::BadRequest,
                         u"\"text\" must not contain the NUL character (U+0000)."_s);
    // Counting UTF-8 bytes without converting: every UTF-16 unit below 0x80 is one byte,
    // below 0x800 two, a surrogate pair four, anything else three.
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t unit = text.at(i).unicode();
        if (unit < 0x80)
            bytes += 1;
        else if (unit < 0x800)
            bytes += 2;
        else if (QChar::isHighSurrogate(unit) && i + 1 < text.size()
                 && QChar::isLowSurrogate(text.at(i + 1).unicode())) {
            bytes += 4;
            ++i;
        } else
            bytes += 3;
    }
    if (bytes > maxUtf8Bytes)
        return makeError(
            ErrorCode::TooLarge,
            u"A message has at most %1 bytes of UTF-8; this one has %2."_s.arg(maxUtf8Bytes)
                .arg(bytes));
    return std::nullopt;
}

std::optional<ProtocolError> clientId(const QString &clientId)
{
    if (clientId.isEmpty() || clientId.size() > kClientIdMaxChars || hasControlCharacter(clientId))
        return makeError(ErrorCode::BadRequest,
                         u"\"client_id\" must have 1 to %1 characters."_s.arg(kClientIdMaxChars));
    return std::nullopt;
}

QString usernameKey(const QString &name)
{
    return name.toLower();
}

} // namespace confab::protocol::validation
