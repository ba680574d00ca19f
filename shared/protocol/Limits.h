#pragma once

#include <QtGlobal>

namespace confab::protocol {

inline constexpr int kProtocolVersion = 1;

// Defaults announced in the hello push; a server may be configured with other frame sizes.
inline constexpr qsizetype kMaxTextBytes = 16 * 1024;
inline constexpr qsizetype kMaxFrameBytes = 64 * 1024;
inline constexpr int kHistoryPageDefault = 50;
inline constexpr int kHistoryPageMax = 100;
inline constexpr int kRoomPageDefault = 50;
inline constexpr int kRoomPageMax = 100;
inline constexpr int kSyncPageDefault = 500;
inline constexpr int kSyncPageMax = 1000;
inline constexpr int kSyncRoomsMax = 1000; // rooms named in one sync
// Ids and sequence numbers travel as JSON numbers, exact up to 2^53 - 1.
inline constexpr qint64 kMaxId = 9007199254740991LL;
inline constexpr qint64 kMaxSeq = kMaxId;
inline constexpr int kRequestIdMaxChars = 64;
inline constexpr int kClientIdMaxChars = 64;
inline constexpr int kUsernameMinChars = 3;
inline constexpr int kUsernameMaxChars = 32;
inline constexpr int kPasswordMinChars = 8;
inline constexpr int kPasswordMaxChars = 1024;
inline constexpr int kRoomNameMaxChars = 64;
inline constexpr int kTopicMaxChars = 256;

} // namespace confab::protocol
