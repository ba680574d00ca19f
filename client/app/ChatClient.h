#pragma once

#include "app/Account.h"
#include "app/RoomController.h"
#include "app/Settings.h"
#include "app/TokenStore.h"
#include "protocol/Entities.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace confab::client {

class Appearance;
class CertificatePins;
class InvitationListModel;
class Notifier;
class PublicRoomsModel;
class RoomFilterModel;
class RoomListModel;
class Session;

// The client as QML sees it: signing in and out, the certificate question, the room list and
// directory, the room in view, and what is done with rooms. It owns every other part: the
// session, the account with its cache, outbox and sync, the settings and the notifier.
class ChatClient : public QObject
{
    Q_OBJECT
    Q_MOC_INCLUDE("app/Appearance.h")
    Q_MOC_INCLUDE("app/Notifier.h")
    Q_MOC_INCLUDE("models/InvitationListModel.h")
    Q_MOC_INCLUDE("models/PublicRoomsModel.h")
    Q_MOC_INCLUDE("models/RoomFilterModel.h")
    Q_MOC_INCLUDE("models/RoomListModel.h")
    Q_MOC_INCLUDE("net/Session.h")
    QML_ELEMENT
    QML_UNCREATABLE("The ChatClient is made by the application.")
    Q_PROPERTY(confab::client::Session *session READ session CONSTANT)
    Q_PROPERTY(confab::client::RoomListModel *rooms READ rooms CONSTANT)
    Q_PROPERTY(confab::client::RoomFilterModel *roomSwitcher READ roomSwitcher CONSTANT)
    Q_PROPERTY(confab::client::PublicRoomsModel *publicRooms READ publicRooms CONSTANT)
    Q_PROPERTY(confab::client::RoomFilterModel *publicRoomsFilter READ publicRoomsFilter CONSTANT)
    Q_PROPERTY(confab::client::InvitationListModel *invitations READ invitations CONSTANT)
    Q_PROPERTY(
        confab::client::RoomController *currentRoom READ currentRoom NOTIFY currentRoomChanged)
    Q_PROPERTY(confab::client::Settings *settings READ settings CONSTANT)
    Q_PROPERTY(confab::client::Appearance *appearance READ appearance CONSTANT)
    Q_PROPERTY(confab::client::Notifier *notifier READ notifier CONSTANT)
    Q_PROPERTY(bool signedIn READ isSignedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString signInError READ signInError NOTIFY signInErrorChanged)
    Q_PROPERTY(QString lastServer READ lastServer NOTIFY signedInChanged)
    Q_PROPERTY(QString lastUserName READ lastUserName NOTIFY signedInChanged)
    Q_PROPERTY(QString userName READ userName NOTIFY signedInChanged)
    Q_PROPERTY(bool syncing READ isSyncing NOTIFY syncingChanged)
    Q_PROPERTY(QVariantMap certificate READ certificate NOTIFY certificateChanged)

public:
    // Everything the client keeps lives under dataDir: settings, pinned certificates, the
    // cache of each account and, without a keychain, the session token.
    explicit ChatClient(const QString &dataDir,
                        TokenStore::Backend tokenBackend = TokenStore::Backend::Keychain,
                        QObject *parent = nullptr);
    ~ChatClient() override;

    // Resumes the account signed in last time (its cached rooms show at once), if any.
    void start();

    Q_INVOKABLE void signIn(const QString &server, const QString &userName,
                            const QString &password);
    Q_INVOKABLE void createAccount(const QString &server, const QString &userName,
                                   const QString &password);
    Q_INVOKABLE void signOut();

    Q_INVOKABLE void acceptCertificate();
    Q_INVOKABLE void rejectCertificate();
    // After a changed certificate: forget the old one, so the new one can be judged afresh.
    Q_INVOKABLE void forgetCertificate();

    Q_INVOKABLE void openRoom(qint64 roomId);
    Q_INVOKABLE void createRoom(const QString &name, const QString &topic, bool isPrivate);
    Q_INVOKABLE void joinRoom(qint64 roomId);
    Q_INVOKABLE void leaveRoom(qint64 roomId);
    Q_INVOKABLE void declineInvitation(qint64 roomId);
    Q_INVOKABLE void copyToClipboard(const QString &text);
    // Why the user name or password cannot be used for a new account, or empty.
    Q_INVOKABLE QString accountProblem(const QString &userName, const QString &password) const;

    Session *session() const { return m_session; }
    RoomListModel *rooms() const { return m_rooms; }
    RoomFilterModel *roomSwitcher() const { return m_roomSwitcher; }
    PublicRoomsModel *publicRooms() const { return m_publicRooms; }
    RoomFilterModel *publicRoomsFilter() const { return m_publicRoomsFilter; }
    InvitationListModel *invitations() const { return m_invitations; }
    RoomController *currentRoom() const { return m_currentRoom; }
    Settings *settings() const { return m_settings; }
    Appearance *appearance() const { return m_appearance; }
    Notifier *notifier() const { return m_notifier; }
    CertificatePins *pins() const { return m_pins.get(); }
    TokenStore *tokens() const { return m_tokens; }
    Account *account() const { return m_account; }

    bool isSignedIn() const { return m_account != nullptr; }
    bool isBusy() const { return m_busy; }
    QString signInError() const { return m_signInError; }
    QString lastServer() const;
    QString lastUserName() const;
    QString userName() const;
    bool isSyncing() const;
    QVariantMap certificate() const;
    QString dataDir() const { return m_dataDir; }

signals:
    void signedInChanged();
    void busyChanged();
    void signInErrorChanged();
    void currentRoomChanged();
    void syncingChanged();
    void certificateChanged();
    // A short message for the user about something that did not work.
    void notice(const QString &message);
    void createRoomFinished(bool ok, const QString &message);
    // A notification was clicked: the window should come to the front.
    void raiseRequested();

private:
    void beginSignIn(bool create, const QString &server, const QString &userName,
                     const QString &password);
    void onSignedIn(const protocol::User &user, const QString &token);
    void openAccount(const Settings::Account &identity);
    void closeAccount(bool forget);
    QString cacheFileFor(const Settings::Account &identity) const;
    void setBusy(bool busy);
    void setSignInError(const QString &error);
    void setCurrentRoom(RoomController *room);
    void onLiveMessage(const protocol::Event &message, bool live);
    void onInvited(const protocol::Room &room, const protocol::User &by);
    void updatePresence();

    QString m_dataDir;
    std::unique_ptr<CertificatePins> m_pins;
    Settings *m_settings;
    Appearance *m_appearance;
    TokenStore *m_tokens;
    Session *m_session;
    RoomListModel *m_rooms;
    RoomFilterModel *m_roomSwitcher;
    PublicRoomsModel *m_publicRooms;
    RoomFilterModel *m_publicRoomsFilter;
    InvitationListModel *m_invitations;
    Notifier *m_notifier;
    QPointer<Account> m_account;
    QPointer<RoomController> m_currentRoom;
    QHash<qint64, QString> m_drafts;
    bool m_busy = false;
    QString m_signInError;
    QTimer m_awayTimer;
    bool m_away = false; // what the server was last told
    bool m_awayDue = false; // in the background for long enough
};

} // namespace confab::client
