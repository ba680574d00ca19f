#pragma once

#include "Services.h"
#include "connection/ProtocolHandler.h"
#include "presence/PushSink.h"
#include "protocol/Entities.h"
#include "protocol/ProtocolError.h"
#include "store/ReplyTarget.h"

#include <QHostAddress>
#include <QJsonObject>

#include <optional>

namespace confab::server {

// The native protocol on one connection (/ws): decodes each request, applies the request
// budget, hands it to its operation and writes replies back; keeps who signed in on it.
class ClientSession final : public ProtocolHandler
{
    Q_OBJECT

public:
    ClientSession(Connection &connection, PushSink *sink, Services services);
    ~ClientSession() override;

    quint64 id() const;
    QHostAddress peerAddress() const;
    Services &services() { return m_services; }
    ReplyTarget replyTarget() { return { m_sink, this }; }

    const std::optional<protocol::User> &user() const { return m_user; }
    bool signInPending() const { return m_signInPending; }
    void setSignInPending(bool pending) { m_signInPending = pending; }
    // Attaches the connection to the presence registry as `user`, a member of `roomIds`.
    void signIn(const protocol::User &user, const QString &tokenHash, const QList<qint64> &roomIds);
    void signOut();
    QString tokenHash() const { return m_tokenHash; }

    void reply(const QJsonValue &requestId, const QJsonObject &result);
    void replyError(const QJsonValue &requestId, const protocol::ProtocolError &error);

    void opened() override;
    void textReceived(const QByteArray &frame) override;
    void binaryReceived() override;
    void closed() override;
    KeepAlive keepAlive() const override;
    QByteArray pingFrame() const override;
    std::optional<CloseFrame> closeFrame(CloseReason reason) const override;

private:
    void leavePresence();

    PushSink *m_sink;
    Services m_services;
    std::optional<protocol::User> m_user;
    QString m_tokenHash;
    bool m_signInPending = false;
};

} // namespace confab::server
