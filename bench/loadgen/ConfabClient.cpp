#include "ConfabClient.h"

#include "protocol/Frames.h"
#include "protocol/Operations.h"

#include <QJsonDocument>

namespace confab::bench {

using namespace Qt::StringLiterals;
namespace op = protocol::op;

ConfabClient::ConfabClient(const Endpoint &endpoint, const ConfabDirectory *directory, int index,
                           QObject *parent)
    : ChatClient(endpoint, index, parent)
    , m_directory(directory)
{ }

void ConfabClient::onReset()
{
    m_pending.clear();
    m_helloSeen = false;
}

qint64 ConfabClient::post(QLatin1StringView operation, QJsonObject args)
{
    const qint64 id = m_nextRequest++;
    sendText(protocol::encodeRequest(id, operation, std::move(args)));
    return id;
}

void ConfabClient::sendMessage(int room, const QString &text, qint64 sentNs)
{
    // Client ids stay unique per user across reconnects, so no send is taken for a retry.
    const QString clientId = u"lg%1-%2"_s.arg(index()).arg(m_nextClientId++);
    const qint64 id = post(op::Send,
                           { { "room"_L1, m_directory->roomIds.at(room) },
                             { "client_id"_L1, clientId },
                             { "text"_L1, text } });
    m_pending.insert(id, { room, sentNs, {} });
}

void ConfabClient::call(QLatin1StringView operation, QJsonObject args, Done done)
{
    const qint64 id = post(operation, std::move(args));
    m_pending.insert(id, { -1, 0, std::move(done) });
}

void ConfabClient::onText(const QByteArray &utf8)
{
    const QJsonObject frame = QJsonDocument::fromJson(utf8).object();
    const QString push = frame.value("push"_L1).toString();
    if (push.isEmpty()) {
        onReply(frame);
        return;
    }
    if (!m_helloSeen) {
        if (push != protocol::push::Hello)
            return fail(u"protocol:no_hello"_s);
        m_helloSeen = true;
        const qint64 id = post(op::Resume, { { "token"_L1, m_directory->tokens.at(index()) } });
        m_pending.insert(id, { -1, 0, [this](const QJsonObject &reply) { onResumed(reply); } });
        return;
    }
    if (push != protocol::push::Event || !observer())
        return;
    const QJsonObject data = frame.value("data"_L1).toObject();
    const int room = m_directory->roomIndex.value(data.value("room"_L1).toInteger(), -1);
    if (room < 0 || data.value("kind"_L1).toString() != "message"_L1)
        return;
    observer()->delivered(this, room, data.value("seq"_L1).toInteger(),
                          data.value("text"_L1).toString());
}

void ConfabClient::onResumed(const QJsonObject &reply)
{
    if (!reply.value("ok"_L1).toBool())
        return fail(reply.value("error"_L1).toObject().value("code"_L1).toString());
    becomeReady();
}

void ConfabClient::onReply(const QJsonObject &frame)
{
    const auto pending = m_pending.take(frame.value("id"_L1).toInteger());
    if (pending.done) {
        pending.done(frame);
        return;
    }
    if (pending.room < 0 || !observer())
        return;
    if (frame.value("ok"_L1).toBool()) {
        const QJsonObject result = frame.value("result"_L1).toObject();
        observer()->accepted(this, pending.room, result.value("seq"_L1).toInteger(),
                             pending.sentNs);
    } else {
        observer()->refused(this, frame.value("error"_L1).toObject().value("code"_L1).toString());
    }
}

} // namespace confab::bench
