#include "Session.h"

#include "net/CertificatePins.h"
#include "net/ErrorText.h"
#include "net/ServerAddress.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Messages.h"

#include <QRandomGenerator>

#include <cmath>

namespace confab::client {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;

namespace {

// How long a reconnection waits after the server said it is going away (a restart or a
// rolling update): long enough not to find it still closing, short enough not to be noticed.
constexpr std::chrono::milliseconds kGoingAwayDelay { 300 };
constexpr std::chrono::milliseconds kLogoutGrace { 3'000 };

} // namespace

Session::Session(CertificatePins *pins, QObject *parent)
    : QObject(parent)
    , m_pins(pins)
    , m_maxTextBytes(protocol::kMaxTextBytes)
{
    connect(&m_socket, &QWebSocket::connected, this, &Session::onConnected);
    connect(&m_socket, &QWebSocket::disconnected, this, &Session::onDisconnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &Session::onTextMessage);
    connect(&m_socket, &QWebSocket::sslErrors, this, &Session::onSslErrors);
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) { m_socketError = m_socket.errorString(); });
    connect(&m_socket, &QWebSocket::pong, this, [this] { m_awaitingPong = false; });

    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &Session::openSocket);
    m_countdown.setInterval(std::chrono::seconds(1));
    connect(&m_countdown, &QTimer::timeout, this, &Session::reconnectSecondsChanged);
    m_keepAlive.setInterval(kKeepAliveInterval);
    connect(&m_keepAlive, &QTimer::timeout, this, &Session::checkAlive);
}

Session::~Session()
{
    m_closingOnPurpose = true;
    m_pending.clear();
    m_socket.abort();
}

QString Session::serverName() const
{
    return serverAddress::display(m_url);
}

int Session::reconnectSeconds() const
{
    if (!m_reconnectTimer.isActive())
        return 0;
    return int(std::ceil(double(m_reconnectTimer.remainingTime()) / 1000.0));
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state != State::WaitingToReconnect) {
        m_reconnectTimer.stop();
        m_countdown.stop();
        emit reconnectSecondsChanged();
    }
    emit stateChanged();
}

void Session::setConnectionError(const QString &error)
{
    if (m_connectionError == error)
        return;
    m_connectionError = error;
    emit connectionErrorChanged();
}

void Session::setServerUrl(const QUrl &url)
{
    if (m_url == url)
        return;
    m_url = url;
    emit serverUrlChanged();
}

void Session::signIn(const QUrl &server, const QString &userName, const QString &password)
{
    m_intent = Intent::Login;
    m_pendingName = userName;
    m_pendingPassword = password;
    connectTo(server);
}

void Session::registerAccount(const QUrl &server, const QString &userName, const QString &password)
{
    m_intent = Intent::Register;
    m_pendingName = userName;
    m_pendingPassword = password;
    connectTo(server);
}

void Session::resume(const QUrl &server, const QString &token, const protocol::User &user)
{
    m_intent = Intent::Resume;
    m_token = token;
    if (m_user != user) {
        m_user = user;
        emit userChanged();
    }
    connectTo(server);
}

void Session::connectTo(const QUrl &url)
{
    const bool sameServer = url == m_url;
    setServerUrl(url);
    if (sameServer && m_state == State::Connected && m_helloSeen) {
        sendSignIn();
        return;
    }
    if (sameServer && (m_state == State::Connecting || m_state == State::SigningIn))
        return; // the sign-in follows the hello, or the answer to the running one
    openSocket();
}

void Session::openSocket()
{
    m_reconnectTimer.stop();
    m_countdown.stop();
    if (m_socket.state() != QAbstractSocket::UnconnectedState) {
        m_closingOnPurpose = true;
        m_socket.abort();
    }
    m_closingOnPurpose = false;
    ++m_generation;
    m_helloSeen = false;
    m_awaitingPong = false;
    m_socketError.clear();
    if (m_question) {
        m_question.reset();
        emit certificateQuestionChanged();
    }
    if (!m_url.isValid()) {
        setConnectionError(tr("The server address is not valid."));
        setState(State::Disconnected);
        return;
    }

    // Exactly the errors that the pinned certificate caused when the user accepted it; with
    // no pin, none at all, so that only the system's trust store can let the handshake pass.
    const auto pin = m_pins ? m_pins->find(m_url.host(), quint16(m_url.port()))
                            : std::optional<CertificatePins::Pin>();
    m_socket.ignoreSslErrors(pin ? pin->expectedErrors() : QList<QSslError>());
    setState(State::Connecting);
    m_socket.open(m_url);
}

void Session::onConnected()
{
    m_keepAlive.start();
}

void Session::checkAlive()
{
    if (m_awaitingPong) {
        // Nothing came back for a whole interval: the network or the server is gone without
        // a word (a cable, a suspended laptop, a frozen server). Start over.
        setConnectionError(tr("The server stopped answering."));
        m_socket.abort();
        return;
    }
    m_awaitingPong = true;
    m_socket.ping();
}

void Session::onTextMessage(const QString &text)
{
    const auto frame = protocol::decodeServerFrame(text.toUtf8());
    if (const auto *push = std::get_if<protocol::ServerPush>(&frame)) {
        if (push->name == protocol::HelloPush::kPush)
            onHello(push->data);
        else
            onPush(push->name, push->data);
    } else if (const auto *reply = std::get_if<protocol::ServerReply>(&frame)) {
        onReply(*reply);
    }
}

void Session::onHello(const QJsonObject &data)
{
    m_helloSeen = true;
    // A server that announces no limits is held to the protocol's defaults.
    const auto hello = protocol::fromJson<protocol::HelloPush>(data);
    m_serverVersion = hello ? hello->server : QString();
    m_maxTextBytes = hello ? hello->limits.maxTextBytes : protocol::kMaxTextBytes;
    setConnectionError({});
    setState(State::Connected);
    if (m_intent != Intent::None)
        sendSignIn();
}

void Session::sendSignIn()
{
    QLatin1StringView operation;
    QJsonObject args;
    switch (m_intent) {
    case Intent::None:
        return;
    case Intent::Login:
        operation = protocol::LoginRequest::kOp;
        args = protocol::toJson(protocol::LoginRequest { m_pendingName, m_pendingPassword });
        break;
    case Intent::Register:
        operation = protocol::RegisterRequest::kOp;
        args = protocol::toJson(protocol::RegisterRequest { m_pendingName, m_pendingPassword });
        break;
    case Intent::Resume:
        operation = protocol::ResumeRequest::kOp;
        args = protocol::toJson(protocol::ResumeRequest { m_token });
        break;
    }
    setState(State::SigningIn);
    Pending pending { QString(operation),
                      args,
                      this,
                      true,
                      [this](const Reply &reply) { onSignInReply(reply); },
                      0 };
    const qint64 id = m_nextRequestId++;
    m_pending.insert(id, pending);
    transmit(id, pending);
}

void Session::onSignInReply(const Reply &untyped)
{
    const auto reply = TypedReply<protocol::SignInReply>::from(untyped);
    const Intent intent = m_intent;
    if (reply.connectionLost())
        return; // onDisconnected() decides what follows
    if (!reply.ok()) {
        if (intent == Intent::Resume) {
            if (reply.isError(ErrorCode::InvalidToken)) {
                m_token.clear();
                m_intent = Intent::None;
                setState(State::Connected);
                emit sessionExpired();
                return;
            }
            // The server failed for now; come back later as after a lost connection.
            setConnectionError(errorText(reply.error));
            m_socket.abort();
            return;
        }
        m_intent = Intent::None;
        m_pendingPassword.clear();
        setState(State::Connected);
        emit signInFailed(errorText(reply.error));
        return;
    }

    if (reply.value.user != m_user) {
        m_user = reply.value.user;
        emit userChanged();
    }
    if (intent != Intent::Resume)
        m_token = reply.value.token.value_or(QString());
    m_intent = Intent::Resume;
    m_pendingPassword.clear();
    m_backoff.reset();
    setConnectionError({});
    setState(State::Online);
    if (intent != Intent::Resume)
        emit signedIn(m_user, m_token);
    emit ready();
}

void Session::signOut()
{
    const bool online = m_state == State::Online;
    m_intent = Intent::None;
    m_token.clear();
    m_pendingPassword.clear();
    m_reconnectTimer.stop();
    if (!online) {
        disconnectFromServer();
    } else {
        // Revoke the token first; close when the server confirms or after a grace period.
        const quint64 generation = m_generation;
        const auto close = [this, generation] {
            if (generation == m_generation)
                disconnectFromServer();
        };
        request(protocol::LogoutRequest {}, this,
                [close](const TypedReply<protocol::EmptyReply> &) { close(); });
        QTimer::singleShot(kLogoutGrace, this, close);
        setState(State::Disconnected);
    }
    if (!m_user.name.isEmpty() || m_user.id != 0) {
        m_user = {};
        emit userChanged();
    }
}

void Session::disconnectFromServer()
{
    m_closingOnPurpose = true;
    m_reconnectTimer.stop();
    m_keepAlive.stop();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.close();
    failAllPending();
    setState(State::Disconnected);
}

void Session::dropConnection()
{
    m_socket.abort();
}

void Session::reconnectNow()
{
    if (m_state == State::WaitingToReconnect
        || (m_state == State::Disconnected && m_intent == Intent::Resume))
        openSocket();
}

void Session::onDisconnected()
{
    m_keepAlive.stop();
    failAllPending();
    if (m_closingOnPurpose || m_state == State::CertificateProblem)
        return;

    QString reason = m_socketError;
    if (m_socket.closeCode() == QWebSocketProtocol::CloseCodeGoingAway)
        reason = tr("The server is restarting.");
    else if (!m_socket.closeReason().isEmpty())
        reason = m_socket.closeReason();
    if (reason.isEmpty())
        reason = tr("The connection was lost.");

    if (m_intent == Intent::Login || m_intent == Intent::Register) {
        m_intent = Intent::None;
        m_pendingPassword.clear();
        setState(State::Disconnected);
        const QString message = tr("Could not reach %1: %2").arg(serverName(), reason);
        setConnectionError(message);
        emit signInFailed(message);
        return;
    }
    setConnectionError(reason);
    if (m_intent != Intent::Resume) {
        setState(State::Disconnected);
        return;
    }
    const bool goingAway = m_socket.closeCode() == QWebSocketProtocol::CloseCodeGoingAway;
    const auto delay = goingAway && m_backoff.attempts() == 0
        ? kGoingAwayDelay + std::chrono::milliseconds(QRandomGenerator::global()->bounded(500))
        : m_backoff.next();
    if (goingAway && m_backoff.attempts() == 0)
        m_backoff.next(); // the next failure waits longer
    scheduleReconnect(delay);
    emit connectionLost();
}

void Session::scheduleReconnect(std::chrono::milliseconds delay)
{
    setState(State::WaitingToReconnect);
    m_reconnectTimer.start(delay);
    m_countdown.start();
    emit reconnectSecondsChanged();
}

void Session::request(QLatin1StringView operation, const QJsonObject &args, QObject *context,
                      ReplyHandler handler)
{
    Pending pending {
        QString(operation), args, context, context != nullptr, std::move(handler), 0
    };
    if (m_state != State::Online) {
        QTimer::singleShot(0, this, [this, pending] { complete(pending, Reply::lost()); });
        return;
    }
    const qint64 id = m_nextRequestId++;
    m_pending.insert(id, pending);
    transmit(id, pending);
}

void Session::post(QLatin1StringView operation, const QJsonObject &args)
{
    request(operation, args, nullptr, {});
}

void Session::transmit(qint64 id, const Pending &pending)
{
    const QByteArray operation = pending.op.toLatin1();
    m_socket.sendTextMessage(protocol::encodeRequest(
        QJsonValue(id), QLatin1StringView(operation.constData(), operation.size()), pending.args));
}

void Session::onReply(const protocol::ServerReply &frame)
{
    const auto found = m_pending.find(frame.id.toInteger(-1));
    if (found == m_pending.end())
        return;
    Pending pending = found.value();
    m_pending.erase(found);

    Reply reply;
    if (frame.ok) {
        reply.status = Reply::Status::Ok;
        reply.result = frame.result;
        complete(std::move(pending), reply);
        return;
    }
    reply.status = Reply::Status::Error;
    reply.error = frame.error;

    const bool retryable
        = reply.error.code == ErrorCode::RateLimited || reply.error.code == ErrorCode::ServerBusy;
    if (retryable && pending.attempts < kMaxRetries) {
        ++pending.attempts;
        const qint64 wait = std::max<qint64>(reply.error.retryAfterMs.value_or(250), 50)
            + QRandomGenerator::global()->bounded(100);
        const quint64 generation = m_generation;
        QTimer::singleShot(std::chrono::milliseconds(wait), this, [this, pending, generation] {
            if (generation != m_generation || m_socket.state() != QAbstractSocket::ConnectedState) {
                complete(pending, Reply::lost());
                return;
            }
            const qint64 id = m_nextRequestId++;
            m_pending.insert(id, pending);
            transmit(id, pending);
        });
        return;
    }
    complete(std::move(pending), reply);
}

void Session::complete(Pending pending, const Reply &reply)
{
    if (!pending.handler || (pending.hasContext && !pending.context))
        return;
    pending.handler(reply);
}

void Session::failAllPending()
{
    const auto pending = std::exchange(m_pending, {});
    for (const auto &entry : pending)
        complete(entry, Reply::lost());
}

void Session::onPush(const QString &name, const QJsonObject &data)
{
    // A push that does not have its shape is dropped, as one of an unknown name is.
    using namespace protocol;
    if (name == push::Event) {
        if (const auto event = Event::fromJson(data))
            emit eventReceived(*event);
    } else if (name == TypingPush::kPush) {
        if (const auto typing = fromJson<TypingPush>(data))
            emit typingReceived(typing->room, typing->user, typing->active);
    } else if (name == PresencePush::kPush) {
        if (const auto presence = fromJson<PresencePush>(data))
            emit presenceReceived(presence->user, presenceName(presence->status));
    } else if (name == MemberJoinedPush::kPush) {
        if (const auto joined = fromJson<MemberJoinedPush>(data))
            emit memberJoined(joined->room, joined->user);
    } else if (name == MemberLeftPush::kPush) {
        if (const auto left = fromJson<MemberLeftPush>(data))
            emit memberLeft(left->room, left->user);
    } else if (name == ReadPush::kPush) {
        if (const auto marker = fromJson<ReadPush>(data))
            emit readMarkerReceived(marker->room, marker->user, marker->seq);
    } else if (name == InvitedPush::kPush) {
        if (const auto invitation = fromJson<InvitedPush>(data))
            emit invited(invitation->room, invitation->by);
    }
}

} // namespace confab::client
