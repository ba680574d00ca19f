#pragma once

#include "protocol/Limits.h"
#include "protocol/MessageFields.h"
#include "protocol/Operations.h"

// Messages in a room's timeline: sending, editing and deleting them, and reading them back
// (see protocol/Messages.h). The event push carries an Event as it is.
namespace confab::protocol {

// The acknowledgement of a committed send, edit or delete.
struct AppendReply
{
    qint64 room = 0;
    qint64 seq = 0; // of the new event
    qint64 timestamp = 0;
    std::optional<bool> duplicate; // sends only: a resend of a message stored before

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &AppendReply::room, Id {}),
                            field("seq"_L1, &AppendReply::seq, Integer { 1, kMaxSeq }),
                            field("ts"_L1, &AppendReply::timestamp, Integer { 0, kMaxId }),
                            field("duplicate"_L1, &AppendReply::duplicate, OptionalFlag {}) };
    }
    friend bool operator==(const AppendReply &, const AppendReply &) = default;
};

struct SendRequest
{
    static constexpr auto kOp = op::Send;
    using Reply = AppendReply;

    qint64 room = 0;
    QString clientId; // makes a resend idempotent
    QString text;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &SendRequest::room, Id {}),
                            field("client_id"_L1, &SendRequest::clientId, Text {}),
                            field("text"_L1, &SendRequest::text, Text {}) };
    }
    friend bool operator==(const SendRequest &, const SendRequest &) = default;
};

struct EditRequest
{
    static constexpr auto kOp = op::Edit;
    using Reply = AppendReply;

    qint64 room = 0;
    qint64 seq = 0; // of the message
    QString text;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &EditRequest::room, Id {}),
                            field("seq"_L1, &EditRequest::seq, Id {}),
                            field("text"_L1, &EditRequest::text, Text {}) };
    }
    friend bool operator==(const EditRequest &, const EditRequest &) = default;
};

struct DeleteRequest
{
    static constexpr auto kOp = op::Delete;
    using Reply = AppendReply;

    qint64 room = 0;
    qint64 seq = 0; // of the message

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &DeleteRequest::room, Id {}),
                            field("seq"_L1, &DeleteRequest::seq, Id {}) };
    }
    friend bool operator==(const DeleteRequest &, const DeleteRequest &) = default;
};

struct HistoryReply
{
    QList<Event> messages; // newest first
    bool hasMore = false;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("messages"_L1, &HistoryReply::messages, ArrayOf {}),
                            field("has_more"_L1, &HistoryReply::hasMore, Flag {}) };
    }
    friend bool operator==(const HistoryReply &, const HistoryReply &) = default;
};

struct HistoryRequest
{
    static constexpr auto kOp = op::History;
    using Reply = HistoryReply;

    qint64 room = 0;
    std::optional<qint64> before; // a seq; the newest messages when there is none
    int limit = kHistoryPageDefault;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &HistoryRequest::room, Id {}),
                            field("before"_L1, &HistoryRequest::before,
                                  OptionalInteger { 1, kMaxSeq }),
                            field("limit"_L1, &HistoryRequest::limit,
                                  IntegerOr { kHistoryPageDefault, 1, kHistoryPageMax }) };
    }
    friend bool operator==(const HistoryRequest &, const HistoryRequest &) = default;
};

// One room of a sync reply: its events after the position asked for, oldest first.
struct SyncedRoom
{
    qint64 room = 0;
    QList<Event> events;
    bool hasMore = false; // more events follow; ask again from the last one here
    qint64 lastSeq = 0; // the room's newest seq when this was read

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("room"_L1, &SyncedRoom::room, Id {}),
                            field("events"_L1, &SyncedRoom::events, ArrayOf {}),
                            field("has_more"_L1, &SyncedRoom::hasMore, Flag {}),
                            field("last_seq"_L1, &SyncedRoom::lastSeq, Integer { 0, kMaxSeq }) };
    }
    friend bool operator==(const SyncedRoom &, const SyncedRoom &) = default;
};

struct SyncReply
{
    QList<SyncedRoom> rooms;

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("rooms"_L1, &SyncReply::rooms, ArrayOf {}) };
    }
    friend bool operator==(const SyncReply &, const SyncReply &) = default;
};

struct SyncRequest
{
    static constexpr auto kOp = op::Sync;
    using Reply = SyncReply;

    QList<std::pair<qint64, qint64>> since; // (room id, last seq seen)
    int limit = kSyncPageDefault; // events per room

    static auto fields()
    {
        using namespace rule;
        return std::tuple { field("since"_L1, &SyncRequest::since, RoomPositions {}),
                            field("limit"_L1, &SyncRequest::limit,
                                  IntegerOr { kSyncPageDefault, 1, kSyncPageMax }) };
    }
    friend bool operator==(const SyncRequest &, const SyncRequest &) = default;
};

} // namespace confab::protocol
