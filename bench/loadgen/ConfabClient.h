#pragma once

#include "ChatClient.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <functional>

namespace confab::bench {

// What every ConfabClient of one measurement shares, read-only once the clients exist.
struct ConfabDirectory
{
    QStringList tokens; // per user index
    QList<qint64> roomIds; // per room index
    QHash<qint64, int> roomIndex; // room id -> room index
};

// Speaks docs/protocol.md: waits for hello, signs in with `resume` and a seeded token (the
// server attaches the user's rooms), sends with fresh client ids and reports event pushes.
class ConfabClient : public ChatClient
{
public:
    using Done = std::function<void(const QJsonObject &reply)>;

    ConfabClient(const Endpoint &endpoint, const ConfabDirectory *directory, int index,
                 QObject *parent);

    void sendMessage(int room, const QString &text, qint64 sentNs) override;
    // Any other request; done gets the whole reply frame ({"ok": …, "result"|"error": …}).
    void call(QLatin1StringView op, QJsonObject args, Done done);

protected:
    void onText(const QByteArray &utf8) override;
    void onReset() override;

private:
    struct Pending
    {
        int room = -1; // a send when >= 0
        qint64 sentNs = 0;
        Done done;
    };

    qint64 post(QLatin1StringView op, QJsonObject args);
    void onReply(const QJsonObject &frame);
    void onResumed(const QJsonObject &reply);

    const ConfabDirectory *m_directory;
    QHash<qint64, Pending> m_pending;
    qint64 m_nextRequest = 1;
    qint64 m_nextClientId = 1;
    bool m_helloSeen = false;
};

} // namespace confab::bench
