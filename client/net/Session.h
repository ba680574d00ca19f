#pragma once

#include "net/Backoff.h"
#include "net/Reply.h"
#include "protocol/Entities.h"
#include "protocol/Frames.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslError>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <optional>

namespace confab::client {

class CertificatePins;

// A certificate that the user has to decide about before the connection can go on.
struct CertificateQuestion
{
    QString host;
    quint16 port = 0;
    QSslCertificate certificate;
    QList<QSslError::SslError> errors;
    QString fingerprint;
    // Set when host:port has a pin and now presents another certificate; that is refused
    // without a question, and the fingerprints are there to be shown in the warning.
    bool changed = false;
    QString pinnedFingerprint;
    // Whether accepting it is offered at all: not for a changed certificate, nor for one with
    // a fault no approval can excuse (expired, not yet valid, a broken signature).
    bool approvable = false;
    QString problem; // the TLS errors in words
};

// The one WebSocket connection to confabd: opens it (TLS, with pinned certificates), signs in,
// matches replies to requests, turns pushes into signals, and after a lost connection comes
// back by itself with exponential backoff and jitter and resumes with the session token.
class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The session belongs to the ChatClient.")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool online READ isOnline NOTIFY stateChanged)
    Q_PROPERTY(QString serverName READ serverName NOTIFY serverUrlChanged)
    Q_PROPERTY(QString userName READ userName NOTIFY userChanged)
    Q_PROPERTY(int reconnectSeconds READ reconnectSeconds NOTIFY reconnectSecondsChanged)
    Q_PROPERTY(QString connectionError READ connectionError NOTIFY connectionErrorChanged)

public:
    enum class State {
        Disconnected, // no connection, none planned
        Connecting, // TLS and WebSocket handshakes, then the hello push
        Connected, // hello received, not signed in
        SigningIn, // register, login or resume under way
        Online, // signed in
        WaitingToReconnect, // the connection was lost; the next attempt is scheduled
        CertificateProblem, // the server's certificate needs a decision, or was refused
    };
    Q_ENUM(State)

    using ReplyHandler = std::function<void(const Reply &)>;

    static constexpr int kMaxRetries = 5;
    static constexpr std::chrono::milliseconds kKeepAliveInterval { 15'000 };

    explicit Session(CertificatePins *pins, QObject *parent = nullptr);
    ~Session() override;

    // Connect to server (unless connected there already) and sign in with a name and
    // password, or create that account. Ends in signedIn() or signInFailed().
    void signIn(const QUrl &server, const QString &userName, const QString &password);
    void registerAccount(const QUrl &server, const QString &userName, const QString &password);
    // Connect with the token of an earlier sign-in, and keep reconnecting after losses.
    void resume(const QUrl &server, const QString &token, const protocol::User &user);
    // Revokes the token on the server when online, then closes.
    void signOut();
    // Closes without signing out and without reconnecting, as when the application quits.
    void disconnectFromServer();
    // Drops the connection as a failing network would; the session reconnects by itself.
    void dropConnection();
    // Where reconnection attempts go from now on.
    void setServerUrl(const QUrl &url);

    const std::optional<CertificateQuestion> &certificateQuestion() const { return m_question; }
    // Pins the certificate in question and connects again.
    void approveCertificate();
    void rejectCertificate();
    // Approves in advance the certificate with this fingerprint at host:port, as when the
    // operator's printed fingerprint is given on the command line; any other is still asked about.
    void trustFingerprint(const QString &host, quint16 port, const QString &fingerprint);

    // Sends a request; handler runs with the reply unless context is gone by then. A refusal
    // with rate_limited or server_busy is retried after the time the server asks for.
    void request(QLatin1StringView op, const QJsonObject &args, QObject *context,
                 ReplyHandler handler);
    void post(QLatin1StringView op, const QJsonObject &args);
    // The same with an operation's typed request (protocol/Messages.h); the handler gets its
    // typed reply.
    template<protocol::WireMessage Request>
    void request(const Request &request, QObject *context,
                 std::function<void(const TypedReply<typename Request::Reply> &)> handler)
    {
        this->request(Request::kOp, protocol::toJson(request), context,
                      [handler = std::move(handler)](const Reply &reply) {
                          handler(TypedReply<typename Request::Reply>::from(reply));
                      });
    }
    template<protocol::WireMessage Request> void post(const Request &request)
    {
        post(Request::kOp, protocol::toJson(request));
    }

    Q_INVOKABLE void reconnectNow();

    State state() const { return m_state; }
    bool isOnline() const { return m_state == State::Online; }
    QUrl serverUrl() const { return m_url; }
    QString serverName() const;
    const protocol::User &user() const { return m_user; }
    QString userName() const { return m_user.name; }
    QString token() const { return m_token; }
    int reconnectSeconds() const;
    QString connectionError() const { return m_connectionError; }
    qsizetype maxTextBytes() const { return m_maxTextBytes; }
    QString serverVersion() const { return m_serverVersion; }

signals:
    void stateChanged();
    void userChanged();
    void serverUrlChanged();
    void reconnectSecondsChanged();
    void connectionErrorChanged();
    void certificateQuestionChanged();

    void signedIn(const confab::protocol::User &user, const QString &token);
    void signInFailed(const QString &message);
    // The kept token is unknown, expired or revoked: the user has to sign in again.
    void sessionExpired();
    // Signed in on a fresh connection: time to catch up with what happened meanwhile.
    void ready();
    void connectionLost();

    void eventReceived(const confab::protocol::Event &event);
    void typingReceived(qint64 roomId, const confab::protocol::User &user, bool active);
    void presenceReceived(const confab::protocol::User &user, const QString &status);
    void memberJoined(qint64 roomId, const confab::protocol::User &user);
    void memberLeft(qint64 roomId, const confab::protocol::User &user);
    void readMarkerReceived(qint64 roomId, const confab::protocol::User &user, qint64 seq);
    void invited(const confab::protocol::Room &room, const confab::protocol::User &by);

private:
    enum class Intent { None, Login, Register, Resume };

    struct Pending
    {
        QString op;
        QJsonObject args;
        QPointer<QObject> context;
        bool hasContext = false;
        ReplyHandler handler;
        int attempts = 0;
    };

    void connectTo(const QUrl &url);
    void openSocket();
    void onConnected();
    void onDisconnected();
    void onSslErrors(const QList<QSslError> &errors);
    void onTextMessage(const QString &text);
    void onHello(const QJsonObject &data);
    void onReply(const protocol::ServerReply &frame);
    void onPush(const QString &name, const QJsonObject &data);
    void sendSignIn();
    void onSignInReply(const Reply &reply);
    void transmit(qint64 id, const Pending &pending);
    void complete(Pending pending, const Reply &reply);
    void failAllPending();
    void scheduleReconnect(std::chrono::milliseconds delay);
    void checkAlive();
    void setState(State state);
    void setConnectionError(const QString &error);
    void raiseQuestion(CertificateQuestion question);

    CertificatePins *m_pins;
    QWebSocket m_socket;
    QUrl m_url;
    State m_state = State::Disconnected;

    Intent m_intent = Intent::None;
    QString m_pendingName;
    QString m_pendingPassword;
    QString m_token;
    protocol::User m_user;

    qint64 m_nextRequestId = 1;
    // Bumped for every connection, so that a retry scheduled on one is not sent on the next.
    quint64 m_generation = 0;
    QHash<qint64, Pending> m_pending;

    Backoff m_backoff;
    QTimer m_reconnectTimer;
    QTimer m_countdown;
    QElapsedTimer m_reconnectClock;
    QTimer m_keepAlive;
    bool m_awaitingPong = false;
    bool m_closingOnPurpose = false;
    bool m_helloSeen = false;

    std::optional<CertificateQuestion> m_question;
    QString m_trustedHost;
    quint16 m_trustedPort = 0;
    QString m_trustedFingerprint;

    QString m_connectionError;
    QString m_socketError;
    qsizetype m_maxTextBytes;
    QString m_serverVersion;
};

} // namespace confab::client
