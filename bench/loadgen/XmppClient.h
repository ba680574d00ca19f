#pragma once

#include "ChatClient.h"

#include <QHash>
#include <QList>
#include <QSet>

namespace confab::bench {

// What every XmppClient of one measurement shares: the server's domains, the accounts
// (user i is "<userPrefix><i>" with one password) and who joins which room.
struct XmppDirectory
{
    QString domain;
    QString mucDomain;
    QString userPrefix;
    QString password;
    QString roomPrefix; // room i is "<roomPrefix><i>@<mucDomain>"
    QList<QList<int>> roomsOfUser;
};

// The subset of XMPP over WebSocket (RFC 7395) a chat needs: open the stream, SASL PLAIN,
// bind a resource, send initial presence, join multi-user chat rooms (XEP-0045) without
// history, and send and receive groupchat messages. A message counts as accepted when the
// room reflects it back to its sender, which ejabberd does after archiving it (XEP-0313).
class XmppClient : public ChatClient
{
public:
    XmppClient(const Endpoint &endpoint, const XmppDirectory *directory, int index,
               QObject *parent);

    void sendMessage(int room, const QString &text, qint64 sentNs) override;

protected:
    void onConnected() override;
    void onText(const QByteArray &utf8) override;
    void onReset() override;

private:
    struct Pending
    {
        int room;
        qint64 sentNs;
    };

    void sendOpen();
    void onFeatures(const QString &frame);
    void onPresence(const QString &frame);
    void onMessage(const QString &frame);
    int roomOf(QStringView jid) const;
    QString nick() const;

    const XmppDirectory *m_directory;
    bool m_authenticated = false;
    bool m_bound = false;
    QSet<int> m_joining;
    QHash<QString, Pending> m_pending;
    qint64 m_nextMessage = 1;
};

} // namespace confab::bench
