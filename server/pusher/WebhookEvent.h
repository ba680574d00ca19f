#pragma once

#include <QJsonObject>
#include <QString>

namespace confab::server {

// One entry of a webhook's "events" list, and the key under which a held-back event is
// cancelled by its opposite (a vacated channel occupied again, a removed member back).
struct WebhookEvent
{
    enum class Kind {
        ChannelOccupied,
        ChannelVacated,
        MemberAdded,
        MemberRemoved,
        ClientEvent,
        CacheMiss
    };

    Kind kind = Kind::ChannelOccupied;
    QString channel;
    QString userId;
    QString event; // client events
    QString data; // client events
    QString socketId; // client events

    QJsonObject toJson() const;
    // Vacated channels and removed members wait a moment: a client that reconnects at once
    // sends nothing.
    bool isHeldBack() const { return kind == Kind::ChannelVacated || kind == Kind::MemberRemoved; }
    // The same for an event and the one that cancels it.
    QString holdKey() const;
};

// Where the presence registry reports what webhooks announce. Called from any thread, often
// with the registry's lock held, so it must only queue.
class WebhookNotifier
{
public:
    virtual ~WebhookNotifier() = default;
    virtual void notify(const QString &appId, const WebhookEvent &event) = 0;
};

} // namespace confab::server
