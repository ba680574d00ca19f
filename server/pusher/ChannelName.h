#pragma once

#include <QString>

namespace confab::server::ChannelName {

// The kind of a channel follows from its name alone, as in Pusher.
enum class Kind {
    Public, // anyone may subscribe
    Private, // "private-": needs a signature from the app's server
    Encrypted, // "private-encrypted-": as private; payloads are end-to-end encrypted by clients
    Presence, // "presence-": as private, with a member list
    ServerToUser, // "#server-to-user-{id}": the signed-in user {id} only
};

// Pusher's limit, prefixes included.
constexpr qsizetype kMaxLength = 164;

Kind kindOf(QStringView name);
// "cache-", "private-cache-", "private-encrypted-cache-" and "presence-cache-" keep their
// last event for new subscribers.
bool isCache(QStringView name);
// 1 to 164 of A-Z a-z 0-9 _ - = @ , . ; (or a "#server-to-user-" name).
bool isValid(QStringView name);
bool needsSignature(Kind kind);
// Client events go only to channels whose subscribers were all authorized.
bool allowsClientEvents(Kind kind);
// The user id a "#server-to-user-" channel belongs to.
QString serverToUserId(QStringView name);

// Confab's room {id} is the channel "presence-room.{id}" of the default app: the channel
// Laravel Echo's Echo.join('room.{id}') subscribes to, with native connections as members.
QString ofRoom(qint64 roomId);
bool isRoom(QStringView name);

} // namespace confab::server::ChannelName
