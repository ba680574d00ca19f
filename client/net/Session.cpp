#include "Session.h"

#include "net/CertificatePins.h"
#include "net/ErrorText.h"
#include "net/ServerAddress.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSslConfiguration>

#include <cmath>

namespace confab::client {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
namespace op = protocol::op;
namespace push = protocol::push;

namespace {

// How long a reconnection waits after the server said it is going away (a restart or a
// rolling update): long enough not to find it still closing, short enough not to be noticed.
constexpr std::chrono::milliseconds kGoingAwayDelay { 300 };
constexpr std::chrono::milliseconds kLogoutGrace { 3'000 };

std::optional<ErrorCode> errorCodeOf(const QString &name)
{
    return protocol::errorCodeFromName(name);
}

QString describeSslErrors(const QList<QSslError> &errors)
{
    QStringList texts;
    for (const auto &error : errors)
        texts.append(error.errorString());
    texts.removeDuplicates();
    return texts.join(u' ');
}

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

void Session::onSslErrors(const QList<QSslError> &errors)
{
    // QSslSocket reports the errors even when each one is among those it was told to ignore;
    // then the handshake goes on and there is nothing to decide.
    const auto pinned = m_pins ? m_pins->find(m_url.host(), quint16(m_url.port()))
                               : std::optional<CertificatePins::Pin>();
    if (pinned) {
        const auto expected = pinned->expectedErrors();
        if (std::all_of(errors.cbegin(), errors.cend(),
                        [&](const QSslError &error) { return expected.contains(error); }))
            return;
    }
    QSslCertificate presented = m_socket.sslConfiguration().peerCertificate();
    if (presented.isNull()) {
        for (const auto &error : errors) {
            if (!error.certificate().isNull()) {
                presented = error.certificate();
                break;
            }
        }
    }
    const QString host = m_url.host();
    const auto port = quint16(m_url.port());
    const QString fingerprint = CertificatePins::fingerprint(presented);

    CertificateQuestion question;
    question.host = host;
    question.port = port;
    question.certificate = presented;
    question.fingerprint = fingerprint;
    question.problem = describeSslErrors(errors);
    for (const auto &error : errors) {
        if (!question.errors.contains(error.error()))
            question.errors.append(error.error());
    }

    const auto verdict
        = m_pins ? m_pins->judge(host, port, presented, errors) : CertificatePins::Verdict::Refused;
    switch (verdict) {
    case CertificatePins::Verdict::NeedsApproval:
        if (!m_trustedFingerprint.isEmpty() && m_trustedHost == host.toLower()
            && m_trustedPort == port
            && m_trustedFingerprint.compare(fingerprint, Qt::CaseInsensitive) == 0) {
            // Approved in advance: pin it, and connect again once this handshake has failed.
            m_pins->pin(host, port, presented, question.errors);
            m_trustedFingerprint.clear();
            QTimer::singleShot(0, this, &Session::openSocket);
            m_closingOnPurpose = true;
            return;
        }
        question.approvable = true;
        setConnectionError(tr("The server's certificate needs your approval."));
        raiseQuestion(question);
        return;
    case CertificatePins::Verdict::Changed:
        question.changed = true;
        question.pinnedFingerprint = m_pins->find(host, port)->fingerprint();
        setConnectionError(tr("The server's certificate has changed since you accepted it. "
                              "Confab refuses to connect."));
        raiseQuestion(question);
        return;
    case CertificatePins::Verdict::Refused:
        setConnectionError(
            tr("The server's certificate cannot be trusted: %1").arg(question.problem));
        raiseQuestion(question);
        return;
    }
}

void Session::raiseQuestion(CertificateQuestion question)
{
    m_question = std::move(question);
    setState(State::CertificateProblem);
    emit certificateQuestionChanged();
}

void Session::approveCertificate()
{
    if (!m_question || m_question->changed || !m_pins)
        return;
    m_pins->pin(m_question->host, m_question->port, m_question->certificate, m_question->errors);
    setConnectionError({});
    openSocket();
}

void Session::rejectCertificate()
{
    if (!m_question)
        return;
    m_question.reset();
    emit certificateQuestionChanged();
    setState(State::Disconnected);
    if (m_intent == Intent::Login || m_intent == Intent::Register) {
        m_intent = Intent::None;
        m_pendingPassword.clear();
        emit signInFailed(tr("The server's certificate was not accepted."));
    }
}

void Session::trustFingerprint(const QString &host, quint16 port, const QString &fingerprint)
{
    m_trustedHost = host.toLower();
    m_trustedPort = port;
    m_trustedFingerprint = fingerprint;
}

void Session::onTextMessage(const QString &text)
{
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    if (frame.contains("push"_L1)) {
        const QString name = frame.value("push"_L1).toString();
        const QJsonObject data = frame.value("data"_L1).toObject();
        if (name == push::Hello)
            onHello(data);
        else
            onPush(name, data);
        return;
    }
    if (frame.contains("ok"_L1))
        onReply(frame);
}

void Session::onHello(const QJsonObject &data)
{
    m_helloSeen = true;
    m_serverVersion = data.value("server"_L1).toString();
    const QJsonObject limits = data.value("limits"_L1).toObject();
    m_maxTextBytes = limits.value("max_text_bytes"_L1).toInteger(protocol::kMaxTextBytes);
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
        operation = op::Login;
        args = { { "username"_L1, m_pendingName }, { "password"_L1, m_pendingPassword } };
        break;
    case Intent::Register:
        operation = op::Register;
        args = { { "username"_L1, m_pendingName }, { "password"_L1, m_pendingPassword } };
        break;
    case Intent::Resume:
        operation = op::Resume;
        args = { { "token"_L1, m_token } };
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

void Session::onSignInReply(const Reply &reply)
{
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

    const auto user = protocol::User::fromJson(reply.result.value("user"_L1).toObject());
    if (user && *user != m_user) {
        m_user = *user;
        emit userChanged();
    }
    if (intent != Intent::Resume)
        m_token = reply.result.value("token"_L1).toString();
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
        request(op::Logout, {}, this, [close](const Reply &) { close(); });
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

void Session::onReply(const QJsonObject &frame)
{
    const auto found = m_pending.find(frame.value("id"_L1).toInteger(-1));
    if (found == m_pending.end())
        return;
    Pending pending = found.value();
    m_pending.erase(found);

    Reply reply;
    if (frame.value("ok"_L1).toBool()) {
        reply.status = Reply::Status::Ok;
        reply.result = frame.value("result"_L1).toObject();
        complete(std::move(pending), reply);
        return;
    }
    const QJsonObject error = frame.value("error"_L1).toObject();
    reply.status = Reply::Status::Error;
    reply.error.code
        = errorCodeOf(error.value("code"_L1).toString()).value_or(ErrorCode::InternalError);
    reply.error.message = error.value("message"_L1).toString();
    if (error.contains("retry_after_ms"_L1))
        reply.error.retryAfterMs = error.value("retry_after_ms"_L1).toInteger();

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
    const auto userOf = [&](QLatin1StringView key) {
        return protocol::User::fromJson(data.value(key).toObject()).value_or(protocol::User {});
    };
    const qint64 roomId = data.value("room"_L1).toInteger();
    if (name == push::Event) {
        if (const auto event = protocol::Event::fromJson(data))
            emit eventReceived(*event);
    } else if (name == push::Typing) {
        emit typingReceived(roomId, userOf("user"_L1), data.value("active"_L1).toBool());
    } else if (name == push::Presence) {
        emit presenceReceived(userOf("user"_L1), data.value("status"_L1).toString());
    } else if (name == push::MemberJoined) {
        emit memberJoined(roomId, userOf("user"_L1));
    } else if (name == push::MemberLeft) {
        emit memberLeft(roomId, userOf("user"_L1));
    } else if (name == push::Read) {
        emit readMarkerReceived(roomId, userOf("user"_L1), data.value("seq"_L1).toInteger());
    } else if (name == push::Invited) {
        if (const auto room = protocol::Room::fromJson(data.value("room"_L1).toObject()))
            emit invited(*room, userOf("by"_L1));
    }
}

} // namespace confab::client
