#pragma once

#include "protocol/Entities.h"

#include <QString>

#include <optional>

namespace confab::client {

// One row of a room's timeline: a message the server stored, or one of the user's own that
// still waits in the outbox (no seq yet).
struct TimelineItem
{
    enum class Delivery { Delivered, Pending, Failed };

    qint64 seq = 0;
    QString clientId;
    protocol::User sender;
    QString text;
    qint64 timestamp = 0;
    std::optional<qint64> editedAt;
    bool deleted = false;
    Delivery delivery = Delivery::Delivered;
    QString failure;
    // The text as escaped markup with links, made once; empty when the text has no link.
    QString linkedText;

    static TimelineItem fromMessage(const protocol::Event &message);
    void setText(const QString &newText);
};

} // namespace confab::client
