#include "RoomController.h"

#include "app/Account.h"
#include "cache/Outbox.h"
#include "models/MemberListModel.h"
#include "models/RoomListModel.h"
#include "models/TimelineModel.h"
#include "net/ErrorText.h"
#include "net/Session.h"
#include "protocol/Messages.h"
#include "protocol/Validation.h"
#include "sync/SyncEngine.h"
#include "sync/TimelineLoader.h"
#include "sync/TypingNotifier.h"
#include "sync/TypingTracker.h"

#include <QGuiApplication>

namespace confab::client {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;

namespace {

// Long enough not to send a read marker for every message of a burst, short enough that
// the unread badge disappears while the user looks.
constexpr std::chrono::milliseconds kReadDelay { 400 };

} // namespace

RoomController::RoomController(qint64 roomId, Session *session, Account *account,
                               RoomListModel *rooms, QObject *parent)
    : QObject(parent)
    , m_roomId(roomId)
    , m_session(session)
    , m_account(account)
    , m_rooms(rooms)
{
    const protocol::User self { account->identity().userId, account->identity().userName };
    m_timeline = new TimelineModel(roomId, self, this);
    m_loader = new TimelineLoader(m_timeline, session, account->cache(), account->sync(),
                                  account->outbox(), this);
    m_members = new MemberListModel(self.id, this);
    m_typing = new TypingTracker(this);
    m_typingNotifier = new TypingNotifier(session, roomId, this);

    // The marker sits above the first message that was unread when the room was opened.
    const auto summary = rooms->summary(roomId);
    m_timeline->setReadMarker(summary && summary->unread > 0 ? summary->lastReadSeq : -1);
    m_timeline->fetchMore({});

    connect(m_typing, &TypingTracker::changed, this, &RoomController::typingChanged);
    connect(session, &Session::typingReceived, this,
            [this, self](qint64 room, const protocol::User &user, bool active) {
                if (room == m_roomId && user.id != self.id)
                    m_typing->setTyping(user, active);
            });
    connect(account->sync(), &SyncEngine::messageStored, this,
            [this](const protocol::Event &message) {
                if (message.room == m_roomId)
                    m_typing->messageFrom(message.sender.id);
            });
    connect(session, &Session::presenceReceived, m_members,
            [this](const protocol::User &user, const QString &status) {
                m_members->setPresence(user.id, status);
            });
    connect(session, &Session::memberJoined, this, [this](qint64 room, const protocol::User &user) {
        if (room == m_roomId)
            m_members->add(user);
    });
    connect(session, &Session::memberLeft, this, [this](qint64 room, const protocol::User &user) {
        if (room == m_roomId)
            m_members->remove(user.id);
    });
    connect(session, &Session::ready, this, [this] {
        m_readSent = 0; // tell the new connection's server again
        refreshMembers();
    });
    connect(session, &Session::connectionLost, m_typing, &TypingTracker::clear);
    connect(rooms, &RoomListModel::roomChanged, this, [this](qint64 room) {
        if (room == m_roomId)
            emit infoChanged();
    });

    m_readTimer.setSingleShot(true);
    m_readTimer.setInterval(kReadDelay);
    connect(&m_readTimer, &QTimer::timeout, this, &RoomController::sendRead);
    connect(m_timeline, &TimelineModel::countChanged, this, &RoomController::scheduleRead);
    connect(m_timeline, &TimelineModel::hasNewerChanged, this, &RoomController::scheduleRead);
    connect(account->sync(), &SyncEngine::caughtUp, this, &RoomController::scheduleRead);
    connect(qGuiApp, &QGuiApplication::applicationStateChanged, this,
            &RoomController::scheduleRead);
    refreshMembers();
    scheduleRead();
}

RoomController::~RoomController()
{
    if (m_account)
        m_account->sync()->setReadingRoom(0);
}

QString RoomController::name() const
{
    return m_rooms->nameOf(m_roomId);
}

QString RoomController::topic() const
{
    const auto summary = m_rooms->summary(m_roomId);
    return summary ? summary->room.topic : QString();
}

bool RoomController::isPrivate() const
{
    const auto summary = m_rooms->summary(m_roomId);
    return summary && summary->room.visibility == protocol::Visibility::Private;
}

int RoomController::memberCount() const
{
    const auto summary = m_rooms->summary(m_roomId);
    return summary ? int(summary->room.memberCount) : 0;
}

QString RoomController::typingText() const
{
    return m_typing->text();
}

void RoomController::setAtNewest(bool atNewest)
{
    if (m_atNewest == atNewest)
        return;
    m_atNewest = atNewest;
    emit atNewestChanged();
    scheduleRead();
}

void RoomController::setDraft(const QString &draft)
{
    if (m_draft == draft)
        return;
    m_draft = draft;
    emit draftChanged();
}

bool RoomController::isReading() const
{
    return m_atNewest && !m_timeline->hasNewer()
        && QGuiApplication::applicationState() == Qt::ApplicationActive;
}

void RoomController::scheduleRead()
{
    if (!m_account)
        return;
    const bool reading = isReading();
    m_account->sync()->setReadingRoom(reading ? m_roomId : 0);
    if (reading && !m_readTimer.isActive())
        m_readTimer.start();
}

void RoomController::sendRead()
{
    const auto summary = m_rooms->summary(m_roomId);
    if (!summary || !isReading())
        return;
    const qint64 seq = std::max(summary->room.lastSeq, m_timeline->newestSeq());
    if (seq <= 0)
        return;
    if (summary->unread > 0 || seq > summary->lastReadSeq)
        m_rooms->markRead(m_roomId, seq);
    // The server hears of it once per position: what the cache believes may be ahead of it.
    if (m_session->isOnline() && seq > m_readSent) {
        m_readSent = seq;
        m_session->post(protocol::ReadRequest { m_roomId, seq });
    }
}

QString RoomController::textProblem(const QString &text) const
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    const auto problem = protocol::validation::messageText(trimmed, m_session->maxTextBytes());
    if (!problem)
        return {};
    if (problem->code == ErrorCode::TooLarge)
        return tr("This message is too long to send (at most %1 KiB).")
            .arg(m_session->maxTextBytes() / 1024);
    return errorText(*problem);
}

bool RoomController::send(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (!m_account || trimmed.isEmpty() || !textProblem(trimmed).isEmpty())
        return false;
    m_typingNotifier->stop();

    if (m_editingSeq > 0) {
        if (trimmed == m_editingText) {
            cancelEditing();
            return true;
        }
        if (!m_session->isOnline()) {
            emit notice(tr("You are offline. Edits can be made when the connection is back."));
            return false;
        }
        m_session->request(protocol::EditRequest { m_roomId, m_editingSeq, trimmed }, this,
                           [this](const TypedReply<protocol::AppendReply> &reply) {
                               if (!reply.ok())
                                   emit notice(
                                       reply.connectionLost()
                                           ? tr("The edit was not saved: the connection was lost.")
                                           : errorText(reply.error));
                           });
        cancelEditing();
        return true;
    }

    if (m_timeline->hasNewer())
        m_timeline->jumpToNewest();
    m_account->outbox()->enqueue(m_roomId, trimmed);
    emit messageQueued();
    return true;
}

bool RoomController::editLastMessage()
{
    const MessageActions last = m_timeline->lastEditableOwnMessage();
    if (!last.canEdit)
        return false;
    startEditing(last.seq, last.text);
    return true;
}

void RoomController::startEditing(qint64 seq, const QString &text)
{
    m_editingSeq = seq;
    m_editingText = text;
    emit editingChanged();
}

void RoomController::cancelEditing()
{
    if (m_editingSeq == 0)
        return;
    m_editingSeq = 0;
    m_editingText.clear();
    emit editingChanged();
}

void RoomController::deleteMessage(qint64 seq)
{
    if (!m_session->isOnline()) {
        emit notice(tr("You are offline. Messages can be deleted when the connection is back."));
        return;
    }
    m_session->request(protocol::DeleteRequest { m_roomId, seq }, this,
                       [this](const TypedReply<protocol::AppendReply> &reply) {
                           if (!reply.ok() && !reply.connectionLost())
                               emit notice(errorText(reply.error));
                       });
}

void RoomController::retry(const QString &clientId)
{
    if (m_account)
        m_account->outbox()->retry(clientId);
}

void RoomController::discard(const QString &clientId)
{
    if (m_account)
        m_account->outbox()->discard(clientId);
}

void RoomController::composerTextChanged(const QString &text)
{
    setDraft(text);
    if (m_editingSeq == 0)
        m_typingNotifier->textChanged(text);
}

void RoomController::invite(const QString &userName)
{
    const QString name = userName.trimmed();
    if (const auto problem = protocol::validation::username(name)) {
        emit inviteFinished(false, errorText(*problem));
        return;
    }
    if (!m_session->isOnline()) {
        emit inviteFinished(false, tr("You are offline."));
        return;
    }
    m_session->request(protocol::InviteRequest { m_roomId, name }, this,
                       [this, name](const TypedReply<protocol::EmptyReply> &reply) {
                           if (reply.ok())
                               emit inviteFinished(true, tr("%1 has been invited.").arg(name));
                           else
                               emit inviteFinished(false,
                                                   reply.connectionLost()
                                                       ? tr("The connection was lost.")
                                                       : errorText(reply.error));
                       });
}

void RoomController::refreshMembers()
{
    if (!m_session->isOnline())
        return;
    m_session->request(
        protocol::MembersRequest { m_roomId }, this,
        [this](const TypedReply<protocol::MembersReply> &reply) {
            if (!reply.ok())
                return;
            QList<MemberListModel::Member> members;
            for (const auto &member : reply.value.members)
                members.append({ member.user, protocol::presenceName(member.presence) });
            m_members->setMembers(members);
        });
}

} // namespace confab::client
