#pragma once

#include "http/HttpExchange.h"

#include <QJsonObject>

namespace confab::server {

class PresenceRegistry;
struct PusherApp;

// Pusher's HTTP API under /apps/{app_id}: triggering events, querying channels and users,
// ending a user's connections. Every request must carry a valid signature (auth_key,
// auth_timestamp within 600 s, auth_version 1.0, body_md5, auth_signature); one that does
// not is answered 401 and never applied.
class PusherHttpApi
{
public:
    explicit PusherHttpApi(PresenceRegistry &registry)
        : m_registry(registry)
    { }

    HttpAnswer handle(const HttpRequest &request, qint64 nowS);

private:
    HttpAnswer triggerEvents(const PusherApp &app, const QJsonObject &body);
    HttpAnswer triggerBatch(const PusherApp &app, const QJsonObject &body);
    HttpAnswer listChannels(const PusherApp &app, const QList<std::pair<QString, QString>> &query);
    HttpAnswer describeChannel(const PusherApp &app, const QString &channel,
                               const QList<std::pair<QString, QString>> &query);
    HttpAnswer listUsers(const PusherApp &app, const QString &channel);
    HttpAnswer terminateConnections(const PusherApp &app, const QString &userId);
    QJsonObject channelAttributes(const PusherApp &app, const QString &channel,
                                  const QStringList &info) const;

    PresenceRegistry &m_registry;
};

} // namespace confab::server
