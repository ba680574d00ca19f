#include "ChatClient.h"

#include "app/Account.h"
#include "app/Appearance.h"
#include "app/Notifier.h"
#include "app/RoomController.h"
#include "cache/Cache.h"
#include "models/InvitationListModel.h"
#include "models/PublicRoomsModel.h"
#include "models/RoomFilterModel.h"
#include "models/RoomListModel.h"
#include "net/CertificatePins.h"
#include "net/ErrorText.h"
#include "net/ServerAddress.h"
#include "net/Session.h"
#include "protocol/Messages.h"
#include "protocol/Validation.h"
#include "sync/SyncEngine.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QRegularExpression>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

// After this long in the background the user shows as away to others.
constexpr std::chrono::minutes kAwayAfter { 5 };
const QString kLastRoomKey = u"lastRoom"_s;

} // namespace

ChatClient::ChatClient(const QString &dataDir, TokenStore::Backend tokenBackend, QObject *parent)
    : QObject(parent)
    , m_dataDir(dataDir)
    , m_pins(std::make_unique<CertificatePins>(QDir(dataDir).filePath(u"pins.json"_s)))
{
    QDir().mkpath(dataDir);
    m_settings = new Settings(QDir(dataDir).filePath(u"settings.ini"_s), this);
    m_appearance = new Appearance(m_settings, this);
    m_tokens = new TokenStore(QDir(dataDir).filePath(u"tokens.json"_s), tokenBackend, this);
    m_session = new Session(m_pins.get(), this);
    m_rooms = new RoomListModel(this);
    m_roomSwitcher = new RoomFilterModel(this);
    m_roomSwitcher->setSourceModel(m_rooms);
    m_publicRooms = new PublicRoomsModel(m_session, m_rooms, this);
    m_publicRoomsFilter = new RoomFilterModel(this);
    m_publicRoomsFilter->setSourceModel(m_publicRooms);
    m_invitations = new InvitationListModel(this);
    m_notifier = new Notifier(m_rooms, m_settings, this);

    connect(m_session, &Session::signedIn, this, &ChatClient::onSignedIn);
    connect(m_session, &Session::signInFailed, this, [this](const QString &message) {
        setBusy(false);
        if (!isSignedIn())
            setSignInError(message);
    });
    connect(m_session, &Session::sessionExpired, this, [this] {
        closeAccount(false);
        setSignInError(tr("Your session has expired. Please sign in again."));
    });
    connect(m_session, &Session::certificateQuestionChanged, this, &ChatClient::certificateChanged);
    connect(m_session, &Session::invited, this, &ChatClient::onInvited);
    connect(m_session, &Session::ready, this, [this] {
        m_away = false; // a new connection starts out online
        updatePresence();
    });
    connect(m_notifier, &Notifier::activated, this, [this](qint64 roomId) {
        if (roomId > 0)
            openRoom(roomId);
        emit raiseRequested();
    });

    m_awayTimer.setSingleShot(true);
    m_awayTimer.setInterval(kAwayAfter);
    connect(&m_awayTimer, &QTimer::timeout, this, [this] {
        m_awayDue = true;
        updatePresence();
    });
    connect(qGuiApp, &QGuiApplication::applicationStateChanged, this,
            [this](Qt::ApplicationState state) {
                if (state == Qt::ApplicationActive) {
                    m_awayTimer.stop();
                    m_awayDue = false;
                    updatePresence();
                } else if (!m_awayTimer.isActive() && !m_awayDue) {
                    m_awayTimer.start();
                }
            });
}

ChatClient::~ChatClient()
{
    delete m_currentRoom;
    delete m_account;
    m_session->disconnectFromServer();
}

QString ChatClient::lastServer() const
{
    return m_settings->lastServer();
}

QString ChatClient::lastUserName() const
{
    return m_settings->lastUserName();
}

QString ChatClient::userName() const
{
    return m_account ? m_account->identity().userName : QString();
}

bool ChatClient::isSyncing() const
{
    return m_account && m_account->sync()->isSyncing();
}

QVariantMap ChatClient::certificate() const
{
    const auto &question = m_session->certificateQuestion();
    if (!question)
        return {};
    return { { u"host"_s, question->host },
             { u"port"_s, question->port },
             { u"fingerprint"_s, question->fingerprint },
             { u"changed"_s, question->changed },
             { u"pinnedFingerprint"_s, question->pinnedFingerprint },
             { u"approvable"_s, question->approvable },
             { u"problem"_s, question->problem },
             { u"subject"_s, question->certificate.subjectDisplayName() },
             { u"expires"_s,
               QLocale().toString(question->certificate.expiryDate().toLocalTime().date(),
                                  QLocale::LongFormat) } };
}

void ChatClient::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void ChatClient::setSignInError(const QString &error)
{
    if (m_signInError == error)
        return;
    m_signInError = error;
    emit signInErrorChanged();
}

QString ChatClient::accountProblem(const QString &userName, const QString &password) const
{
    if (const auto problem = protocol::validation::username(userName.trimmed()))
        return errorText(*problem);
    if (const auto problem = protocol::validation::password(password))
        return errorText(*problem);
    return {};
}

void ChatClient::signIn(const QString &server, const QString &userName, const QString &password)
{
    beginSignIn(false, server, userName, password);
}

void ChatClient::createAccount(const QString &server, const QString &userName,
                               const QString &password)
{
    beginSignIn(true, server, userName, password);
}

void ChatClient::beginSignIn(bool create, const QString &server, const QString &userName,
                             const QString &password)
{
    const QUrl url = serverAddress::fromUserInput(server);
    if (!url.isValid()) {
        setSignInError(tr("Enter the server's address, for example chat.example.org:8443."));
        return;
    }
    const QString name = userName.trimmed();
    if (name.isEmpty() || password.isEmpty()) {
        setSignInError(tr("Enter your user name and password."));
        return;
    }
    if (create) {
        if (const QString problem = accountProblem(name, password); !problem.isEmpty()) {
            setSignInError(problem);
            return;
        }
    }
    setSignInError({});
    setBusy(true);
    if (create)
        m_session->registerAccount(url, name, password);
    else
        m_session->signIn(url, name, password);
}

void ChatClient::onSignedIn(const protocol::User &user, const QString &token)
{
    const Settings::Account identity { m_session->serverUrl(), user.id, user.name };
    m_settings->setAccount(identity);
    m_tokens->write(identity.key(), token);
    if (!m_account || m_account->identity().key() != identity.key()) {
        closeAccount(false);
        openAccount(identity);
    }
    setBusy(false);
    setSignInError({});
}

QString ChatClient::cacheFileFor(const Settings::Account &identity) const
{
    static const QRegularExpression unsafe(u"[^A-Za-z0-9._-]"_s);
    QString name = identity.key();
    name.replace(unsafe, u"_"_s);
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(identity.key().toUtf8(), QCryptographicHash::Sha256)
            .toHex()
            .left(8));
    return QDir(m_dataDir).filePath(u"accounts/%1-%2.sqlite"_s.arg(name, hash));
}

void ChatClient::openAccount(const Settings::Account &identity)
{
    m_account = new Account(identity, cacheFileFor(identity), m_session, m_rooms, this);
    m_invitations->setInvitations(m_account->cache()->invitations());
    connect(m_account->sync(), &SyncEngine::syncingChanged, this, &ChatClient::syncingChanged);
    connect(m_account->sync(), &SyncEngine::messageStored, this, &ChatClient::onLiveMessage);
    connect(m_account->sync(), &SyncEngine::roomRemoved, this, [this](qint64 roomId) {
        if (m_currentRoom && m_currentRoom->roomId() == roomId)
            openRoom(m_rooms->roomIdAt(0));
    });
    emit signedInChanged();

    const qint64 lastRoom = m_account->cache()->value(kLastRoomKey).toLongLong();
    openRoom(m_rooms->contains(lastRoom) ? lastRoom : m_rooms->roomIdAt(0));
    // The first room list of a new account arrives with the first sync.
    connect(m_account->sync(), &SyncEngine::caughtUp, this, [this] {
        if (!m_currentRoom && m_rooms->count() > 0)
            openRoom(m_rooms->roomIdAt(0));
    });
}

void ChatClient::closeAccount(bool forget)
{
    setCurrentRoom(nullptr);
    m_drafts.clear();
    if (!m_account)
        return;
    const QString cacheFile = m_account->cache()->filePath();
    delete m_account;
    m_rooms->clear();
    m_invitations->setInvitations({});
    if (forget) {
        for (const auto suffix : { ""_L1, "-wal"_L1, "-shm"_L1 })
            QFile::remove(cacheFile + suffix);
    }
    emit signedInChanged();
}

void ChatClient::start()
{
    const Settings::Account identity = m_settings->account();
    if (!identity.isValid())
        return;
    openAccount(identity);
    m_tokens->read(identity.key(), this, [this, identity](const QString &token) {
        if (!m_account || m_account->identity().key() != identity.key())
            return;
        if (token.isEmpty()) {
            closeAccount(false);
            setSignInError(tr("Please sign in again."));
            return;
        }
        m_session->resume(identity.server, token, { identity.userId, identity.userName });
    });
}

void ChatClient::signOut()
{
    if (m_account)
        m_tokens->remove(m_account->identity().key());
    m_session->signOut();
    closeAccount(true);
    m_settings->clearAccount();
    setSignInError({});
}

void ChatClient::acceptCertificate()
{
    m_session->approveCertificate();
}

void ChatClient::rejectCertificate()
{
    m_session->rejectCertificate();
}

void ChatClient::forgetCertificate()
{
    const auto &question = m_session->certificateQuestion();
    if (!question)
        return;
    m_pins->forget(question->host, question->port);
    m_session->setServerUrl(m_session->serverUrl());
    m_session->rejectCertificate();
    m_session->reconnectNow();
}

void ChatClient::setCurrentRoom(RoomController *room)
{
    if (m_currentRoom == room)
        return;
    RoomController *previous = m_currentRoom;
    m_currentRoom = room;
    if (previous) {
        m_drafts.insert(previous->roomId(), previous->draft());
        // The views of the previous room go away from the event loop; the room goes after
        // them, so that none of them sees it vanish first.
        QTimer::singleShot(0, previous, [previous] { previous->deleteLater(); });
    }
    if (room && m_account)
        m_account->cache()->setValue(kLastRoomKey, QString::number(room->roomId()));
    emit currentRoomChanged();
}

void ChatClient::openRoom(qint64 roomId)
{
    if (!m_account || (m_currentRoom && m_currentRoom->roomId() == roomId))
        return;
    if (roomId <= 0 || !m_rooms->contains(roomId)) {
        setCurrentRoom(nullptr);
        return;
    }
    auto *room = new RoomController(roomId, m_session, m_account, m_rooms, this);
    room->setDraft(m_drafts.value(roomId));
    connect(room, &RoomController::notice, this, &ChatClient::notice);
    setCurrentRoom(room);
}

void ChatClient::createRoom(const QString &name, const QString &topic, bool isPrivate)
{
    const QString trimmedName = name.trimmed();
    const QString trimmedTopic = topic.trimmed();
    if (auto problem = protocol::validation::roomName(trimmedName)) {
        emit createRoomFinished(false, errorText(*problem));
        return;
    }
    if (auto problem = protocol::validation::topic(trimmedTopic)) {
        emit createRoomFinished(false, errorText(*problem));
        return;
    }
    if (!m_session->isOnline()) {
        emit createRoomFinished(false,
                                tr("You are offline. Rooms can be created when the "
                                   "connection is back."));
        return;
    }
    const protocol::CreateRoomRequest request {
        trimmedName, trimmedTopic.isEmpty() ? std::nullopt : std::optional(trimmedTopic),
        isPrivate ? protocol::Visibility::Private : protocol::Visibility::Public
    };
    m_session->request(request, this, [this](const TypedReply<protocol::RoomReply> &reply) {
        if (!reply.ok() || !m_account) {
            emit createRoomFinished(false,
                                    reply.connectionLost() ? tr("The connection was lost.")
                                                           : errorText(reply.error));
            return;
        }
        m_account->sync()->addRoom(reply.value.room);
        openRoom(reply.value.room.id);
        emit createRoomFinished(true, {});
    });
}

void ChatClient::joinRoom(qint64 roomId)
{
    if (m_rooms->contains(roomId)) {
        openRoom(roomId);
        return;
    }
    if (!m_session->isOnline()) {
        emit notice(tr("You are offline. Rooms can be joined when the connection is back."));
        return;
    }
    m_session->request(protocol::JoinRequest { roomId }, this,
                       [this, roomId](const TypedReply<protocol::RoomReply> &reply) {
                           if (!reply.ok() || !m_account) {
                               emit notice(reply.connectionLost() ? tr("The connection was lost.")
                                                                  : errorText(reply.error));
                               return;
                           }
                           m_invitations->remove(roomId);
                           m_account->cache()->removeInvitation(roomId);
                           m_account->sync()->addRoom(reply.value.room);
                           openRoom(reply.value.room.id);
                       });
}

void ChatClient::leaveRoom(qint64 roomId)
{
    if (!m_session->isOnline()) {
        emit notice(tr("You are offline. Rooms can be left when the connection is back."));
        return;
    }
    m_session->request(protocol::LeaveRequest { roomId }, this,
                       [this, roomId](const TypedReply<protocol::EmptyReply> &reply) {
                           if (!reply.ok()) {
                               emit notice(reply.connectionLost() ? tr("The connection was lost.")
                                                                  : errorText(reply.error));
                               return;
                           }
                           if (m_account)
                               m_account->sync()->forgetRoom(roomId);
                       });
}

void ChatClient::declineInvitation(qint64 roomId)
{
    m_invitations->remove(roomId);
    if (m_account)
        m_account->cache()->removeInvitation(roomId);
}

void ChatClient::copyToClipboard(const QString &text)
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

void ChatClient::onLiveMessage(const protocol::Event &message, bool live)
{
    if (!live || !m_account || message.sender.id == m_account->identity().userId || message.deleted)
        return;
    const bool inView = m_currentRoom && m_currentRoom->roomId() == message.room
        && QGuiApplication::applicationState() == Qt::ApplicationActive;
    if (inView)
        return;
    m_notifier->showMessage(message.room, m_rooms->nameOf(message.room), message.sender.name,
                            message.text);
}

void ChatClient::onInvited(const protocol::Room &room, const protocol::User &by)
{
    if (!m_account || m_rooms->contains(room.id))
        return;
    const Invitation invitation { room, by, QDateTime::currentMSecsSinceEpoch() };
    m_account->cache()->saveInvitation(invitation);
    m_invitations->add(invitation);
    m_notifier->showMessage(room.id, room.name, by.name,
                            tr("%1 invited you to %2.").arg(by.name, room.name));
}

void ChatClient::updatePresence()
{
    if (!m_session->isOnline() || m_awayDue == m_away)
        return;
    m_away = m_awayDue;
    m_session->post(protocol::PresenceRequest { m_away ? protocol::PresenceStatus::Away
                                                       : protocol::PresenceStatus::Online });
}

} // namespace confab::client
