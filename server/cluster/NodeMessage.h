#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace confab::server {

// What one node tells the others outside any transaction: presence, typing, pushes to a room
// or a user, Pusher channel traffic. Unlike committed events these are not in the database,
// so a node that was away for a while learns the current state again from snapshots.
struct NodeMessage
{
    QString node;
    QString topic;
    QJsonObject body;
};

// The JSON form of node messages on the cluster channel. A message that would not fit in one
// notification (PostgreSQL refuses 8000 bytes) is cut into parts sent in one transaction,
// which PostgreSQL delivers together and in order; NodeMessageAssembler joins them again.
class NodeMessageCodec
{
public:
    static constexpr qsizetype kMaxBytes = 7900;

    // `serial` tells the parts of one message apart from those of the sender's next one.
    static QList<QByteArray> encode(const NodeMessage &message, quint64 serial);
};

class NodeMessageAssembler
{
public:
    // Returns the message once whole; nothing for a part still waiting for the rest, or for
    // a malformed payload.
    std::optional<NodeMessage> add(const QString &payload);
    // Parts from a node that went away can never be completed.
    void forget(const QString &node);
    void clear() { m_partial.clear(); }

private:
    struct Partial
    {
        quint64 serial = 0;
        int expected = 0;
        QStringList parts;
    };
    QHash<QString, Partial> m_partial; // by sending node
};

} // namespace confab::server
