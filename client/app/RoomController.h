#pragma once

#include "app/Account.h"
#include "protocol/Entities.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace confab::client {

class MemberListModel;
class RoomListModel;
class Session;
class TimelineLoader;
class TimelineModel;
class TypingNotifier;
class TypingTracker;

// The room in view: its timeline and members, who is typing, and what the user does there:
// send, edit and delete messages, invite, leave. It also marks the room read while the user
// looks at its newest messages.
class RoomController : public QObject
{
    Q_OBJECT
    Q_MOC_INCLUDE("models/MemberListModel.h")
    Q_MOC_INCLUDE("models/TimelineModel.h")
    QML_ELEMENT
    QML_UNCREATABLE("Rooms are opened through the ChatClient.")
    Q_PROPERTY(qint64 roomId READ roomId CONSTANT)
    Q_PROPERTY(QString name READ name NOTIFY infoChanged)
    Q_PROPERTY(QString topic READ topic NOTIFY infoChanged)
    Q_PROPERTY(bool isPrivate READ isPrivate NOTIFY infoChanged)
    Q_PROPERTY(int memberCount READ memberCount NOTIFY infoChanged)
    Q_PROPERTY(confab::client::TimelineModel *timeline READ timeline CONSTANT)
    Q_PROPERTY(confab::client::MemberListModel *members READ members CONSTANT)
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingChanged)
    Q_PROPERTY(qint64 editingSeq READ editingSeq NOTIFY editingChanged)
    Q_PROPERTY(QString editingText READ editingText NOTIFY editingChanged)
    Q_PROPERTY(bool atNewest READ isAtNewest WRITE setAtNewest NOTIFY atNewestChanged)
    Q_PROPERTY(QString draft READ draft WRITE setDraft NOTIFY draftChanged)

public:
    RoomController(qint64 roomId, Session *session, Account *account, RoomListModel *rooms,
                   QObject *parent = nullptr);
    ~RoomController() override;

    qint64 roomId() const { return m_roomId; }
    QString name() const;
    QString topic() const;
    bool isPrivate() const;
    int memberCount() const;
    TimelineModel *timeline() const { return m_timeline; }
    MemberListModel *members() const { return m_members; }
    QString typingText() const;
    qint64 editingSeq() const { return m_editingSeq; }
    QString editingText() const { return m_editingText; }
    bool isAtNewest() const { return m_atNewest; }
    void setAtNewest(bool atNewest);
    QString draft() const { return m_draft; }
    void setDraft(const QString &draft);

    // Sends text (or, while editing, replaces the edited message with it). False when the
    // text cannot be sent at all; why is in textProblem().
    Q_INVOKABLE bool send(const QString &text);
    // Why text cannot be sent (too long), or empty.
    Q_INVOKABLE QString textProblem(const QString &text) const;
    // Starts editing the user's newest message, as the Up key does; false when there is none.
    Q_INVOKABLE bool editLastMessage();
    Q_INVOKABLE void startEditing(qint64 seq, const QString &text);
    Q_INVOKABLE void cancelEditing();
    Q_INVOKABLE void deleteMessage(qint64 seq);
    Q_INVOKABLE void retry(const QString &clientId);
    Q_INVOKABLE void discard(const QString &clientId);
    Q_INVOKABLE void composerTextChanged(const QString &text);
    Q_INVOKABLE void invite(const QString &userName);
    Q_INVOKABLE void refreshMembers();

signals:
    void infoChanged();
    void typingChanged();
    void editingChanged();
    void atNewestChanged();
    void draftChanged();
    // The user sent a message; it waits in the outbox.
    void messageQueued();
    // Something the user asked for did not work; a short message for a notice.
    void notice(const QString &message);
    void inviteFinished(bool ok, const QString &message);

private:
    void scheduleRead();
    void sendRead();
    bool isReading() const;

    qint64 m_roomId;
    Session *m_session;
    QPointer<Account> m_account;
    RoomListModel *m_rooms;
    TimelineModel *m_timeline;
    TimelineLoader *m_loader;
    MemberListModel *m_members;
    TypingTracker *m_typing;
    TypingNotifier *m_typingNotifier;
    qint64 m_editingSeq = 0;
    QString m_editingText;
    bool m_atNewest = true;
    QString m_draft;
    QTimer m_readTimer;
    qint64 m_readSent = 0;
};

} // namespace confab::client
