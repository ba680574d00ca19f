#include "TestClient.h"

#include "Pinning.h"
#include "ServerProcess.h"
#include "Wait.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace confab::test {

using namespace Qt::StringLiterals;
namespace op = protocol::op;

TestClient::PushFilter TestClient::eventAt(qint64 room, qint64 seq)
{
    return [room, seq](const QJsonObject &data) {
        return data.value("room"_L1).toInteger() == room && data.value("seq"_L1).toInteger() == seq;
    };
}

TestClient::TestClient(const ServerProcess &server, QObject *parent)
    : TestClient(server.url(), server.certificate(), parent)
{ }

TestClient::TestClient(QUrl url, QSslCertificate certificate, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_certificate(std::move(certificate))
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &TestClient::onTextMessage);
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, &TestClient::onBinaryMessage);
    connect(&m_socket, &QWebSocket::disconnected, this, [this] { m_disconnected = true; });
    connect(&m_socket, &QWebSocket::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_sslErrors.append(errors); });
}

TestClient::~TestClient()
{
    m_socket.abort();
}

std::unique_ptr<TestClient> TestClient::registered(const ServerProcess &server, const QString &name,
                                                   const QString &password, QString *error)
{
    auto client = std::make_unique<TestClient>(server);
    if (!client->connectToServer()) {
        *error = client->errorString();
        return nullptr;
    }
    if (const Reply reply = client->registerUser(name, password); !reply.isOk()) {
        *error = QString::fromUtf8(reply.describe());
        return nullptr;
    }
    return client;
}

std::unique_ptr<TestClient> TestClient::resumed(const ServerProcess &server, const QString &token,
                                                QString *error)
{
    auto client = std::make_unique<TestClient>(server);
    if (!client->connectToServer()) {
        *error = client->errorString();
        return nullptr;
    }
    if (const Reply reply = client->resume(token); !reply.isOk()) {
        *error = QString::fromUtf8(reply.describe());
        return nullptr;
    }
    return client;
}

bool TestClient::connectToServer()
{
    return connectTo(m_url);
}

bool TestClient::connectTo(const QUrl &url)
{
    m_url = url;
    m_error.clear();
    m_sslErrors.clear();
    m_sawFirstFrame = false;
    m_helloReceived = false;
    m_disconnected = false;
    m_hello = {};
    m_replies.clear();
    m_pushes.clear();
    m_token.clear();
    m_user = {};

    m_socket.ignoreSslErrors(expectedSslErrors(m_certificate, url.host()));
    m_socket.open(url);
    const bool settled = waitUntil([this] { return m_sawFirstFrame || m_disconnected; }, kTimeout);
    if (m_helloReceived)
        return true;

    if (!settled) {
        m_error = u"No frame from %1 within %2 ms of opening the connection (state %3)."_s
                      .arg(url.toString())
                      .arg(kTimeout.count())
                      .arg(int(m_socket.state()));
    } else if (m_sawFirstFrame) {
        m_error = u"The first frame from the server is not the hello push."_s;
    } else {
        m_error = u"The connection to %1 closed before the hello push: %2"_s.arg(url.toString(),
                                                                                 describeClosure());
    }
    if (!m_sslErrors.isEmpty()) {
        QStringList errors;
        for (const auto &error : std::as_const(m_sslErrors))
            errors << error.errorString();
        m_error += u" TLS errors: %1."_s.arg(errors.join(u"; "_s));
    }
    if (!m_violations.isEmpty())
        m_error += u" Frames that break the protocol: %1"_s.arg(m_violations.join(u"; "_s));
    return false;
}

bool TestClient::isConnected() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState && !m_disconnected;
}

void TestClient::close(QWebSocketProtocol::CloseCode code)
{
    m_socket.close(code);
}

void TestClient::abort()
{
    m_socket.abort();
}

bool TestClient::waitForDisconnected(std::chrono::milliseconds timeout)
{
    return waitUntil([this] { return m_disconnected; }, timeout);
}

QString TestClient::describeClosure() const
{
    return u"close code %1, reason \"%2\", socket error \"%3\""_s.arg(int(m_socket.closeCode()))
        .arg(m_socket.closeReason(), m_socket.errorString());
}

void TestClient::violation(const QString &what, const QString &frame)
{
    m_violations << u"%1: %2"_s.arg(what, QString::fromUtf8(abbreviated(frame.toUtf8())));
}

void TestClient::onTextMessage(const QString &text)
{
    const bool first = !m_sawFirstFrame;
    m_sawFirstFrame = true;

    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        violation(u"a frame that is not a JSON object"_s, text);
        return;
    }
    const QJsonObject frame = document.object();
    if (frame.value("v"_L1) != QJsonValue(protocol::kProtocolVersion))
        violation(u"a frame without \"v\": 1"_s, text);

    if (frame.contains("push"_L1)) {
        const QString name = frame.value("push"_L1).toString();
        if (name.isEmpty() || !frame.value("data"_L1).isObject()) {
            violation(u"a push without a name or a data object"_s, text);
            return;
        }
        const QJsonObject data = frame.value("data"_L1).toObject();
        if (first) {
            if (name != protocol::push::Hello)
                violation(u"the first frame is not the hello push"_s, text);
            else {
                m_hello = data;
                m_helloReceived = true;
                return;
            }
        } else if (name == protocol::push::Hello) {
            violation(u"a second hello push"_s, text);
        }
        m_pushes.append({ name, data });
        return;
    }

    if (first)
        violation(u"the first frame is not the hello push"_s, text);
    const QJsonValue ok = frame.value("ok"_L1);
    if (!ok.isBool())
        violation(u"a frame that is neither a push nor a reply"_s, text);
    else if (ok.toBool() && !frame.value("result"_L1).isObject())
        violation(u"a successful reply without a result object"_s, text);
    else if (!ok.toBool()
             && (!frame.value("error"_L1).isObject()
                 || !frame.value("error"_L1).toObject().value("code"_L1).isString()))
        violation(u"an error reply without an error code"_s, text);
    m_replies.append(frame);
}

void TestClient::onBinaryMessage(const QByteArray &bytes)
{
    m_sawFirstFrame = true;
    violation(u"a binary frame"_s, QString::fromLatin1(bytes.toHex()));
}

QJsonValue TestClient::post(QLatin1StringView operation, const QJsonObject &args)
{
    const QJsonValue id = u"r%1"_s.arg(m_nextRequest++);
    m_requestDescriptions.insert(
        id.toString(),
        QString(operation) + u' '
            + QString::fromUtf8(QJsonDocument(args).toJson(QJsonDocument::Compact)));
    m_socket.sendTextMessage(protocol::encodeRequest(id, operation, args));
    return id;
}

QString TestClient::describeRequest(const QJsonValue &id) const
{
    return m_requestDescriptions.value(id.toString(), u"request %1"_s.arg(id.toString()));
}

qsizetype TestClient::findReply(const QJsonValue &id) const
{
    for (qsizetype i = 0; i < m_replies.size(); ++i) {
        if (m_replies.at(i).value("id"_L1) == id)
            return i;
    }
    return -1;
}

Reply TestClient::waitForReply(const QJsonValue &id, std::chrono::milliseconds timeout)
{
    const QString description = describeRequest(id);
    waitUntil([&] { return findReply(id) >= 0 || m_disconnected; }, timeout);
    if (const qsizetype index = findReply(id); index >= 0)
        return Reply(description, m_replies.takeAt(index));
    if (m_disconnected)
        return Reply::missing(description, u"the connection closed (%1)"_s.arg(describeClosure()));
    return Reply::missing(description, u"nothing within %1 ms"_s.arg(timeout.count()));
}

Reply TestClient::request(QLatin1StringView operation, const QJsonObject &args,
                          std::chrono::milliseconds timeout)
{
    return waitForReply(post(operation, args), timeout);
}

void TestClient::sendRaw(const QString &text)
{
    m_socket.sendTextMessage(text);
}

void TestClient::sendBinary(const QByteArray &bytes)
{
    m_socket.sendBinaryMessage(bytes);
}

Reply TestClient::nextReply(std::chrono::milliseconds timeout)
{
    waitUntil([&] { return !m_replies.isEmpty() || m_disconnected; }, timeout);
    if (!m_replies.isEmpty()) {
        const QJsonObject frame = m_replies.takeFirst();
        const QJsonValue id = frame.value("id"_L1);
        return Reply(id.isUndefined() ? u"a raw frame"_s : describeRequest(id), frame);
    }
    if (m_disconnected)
        return Reply::missing(u"a raw frame"_s,
                              u"the connection closed (%1)"_s.arg(describeClosure()));
    return Reply::missing(u"a raw frame"_s, u"nothing within %1 ms"_s.arg(timeout.count()));
}

Reply TestClient::signIn(QLatin1StringView operation, const QJsonObject &args, const QString &token)
{
    Reply reply = request(operation, args);
    if (reply.isOk()) {
        m_user = reply.result().value("user"_L1).toObject();
        m_token = token.isEmpty() ? reply.result().value("token"_L1).toString() : token;
    }
    return reply;
}

Reply TestClient::registerUser(const QString &name, const QString &password)
{
    return signIn(op::Register, { { "username"_L1, name }, { "password"_L1, password } }, {});
}

Reply TestClient::login(const QString &name, const QString &password)
{
    return signIn(op::Login, { { "username"_L1, name }, { "password"_L1, password } }, {});
}

Reply TestClient::resume(const QString &token)
{
    return signIn(op::Resume, { { "token"_L1, token } }, token);
}

Reply TestClient::logout()
{
    Reply reply = request(op::Logout);
    if (reply.isOk()) {
        m_token.clear();
        m_user = {};
    }
    return reply;
}

qint64 TestClient::userId() const
{
    return m_user.value("id"_L1).toInteger();
}

QString TestClient::userName() const
{
    return m_user.value("name"_L1).toString();
}

QString TestClient::newClientId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Reply TestClient::send(qint64 room, const QString &text, const QString &clientId)
{
    return request(op::Send,
                   { { "room"_L1, room },
                     { "client_id"_L1, clientId.isEmpty() ? newClientId() : clientId },
                     { "text"_L1, text } });
}

QList<QJsonObject> TestClient::wholeHistory(qint64 room, QString *error)
{
    QList<QJsonObject> messages;
    QJsonObject args { { "room"_L1, room }, { "limit"_L1, protocol::kHistoryPageMax } };
    for (;;) {
        const Reply reply = request(op::History, args);
        if (!reply.isOk()) {
            *error = QString::fromUtf8(reply.describe());
            return {};
        }
        const QJsonArray page = reply.result().value("messages"_L1).toArray();
        for (const auto &message : page)
            messages.append(message.toObject());
        if (!reply.result().value("has_more"_L1).toBool())
            return messages;
        if (page.isEmpty()) {
            *error = u"history of room %1 says has_more but returned an empty page."_s.arg(room);
            return {};
        }
        args.insert("before"_L1, page.last().toObject().value("seq"_L1));
    }
}

qsizetype TestClient::findPush(QLatin1StringView push, const PushFilter &filter) const
{
    for (qsizetype i = 0; i < m_pushes.size(); ++i) {
        const auto &candidate = m_pushes.at(i);
        if (candidate.name == push && (!filter || filter(candidate.data)))
            return i;
    }
    return -1;
}

std::optional<QJsonObject> TestClient::waitForPush(QLatin1StringView push, const PushFilter &filter,
                                                   std::chrono::milliseconds timeout)
{
    waitUntil([&] { return findPush(push, filter) >= 0 || m_disconnected; }, timeout);
    if (const qsizetype index = findPush(push, filter); index >= 0)
        return m_pushes.takeAt(index).data;
    return std::nullopt;
}

QList<QJsonObject> TestClient::takePushes(QLatin1StringView push)
{
    QList<QJsonObject> taken;
    for (auto it = m_pushes.begin(); it != m_pushes.end();) {
        if (it->name == push) {
            taken.append(it->data);
            it = m_pushes.erase(it);
        } else {
            ++it;
        }
    }
    return taken;
}

bool TestClient::expectNoPush(QLatin1StringView push, std::chrono::milliseconds within,
                              const PushFilter &filter)
{
    return !waitUntil([&] { return findPush(push, filter) >= 0; }, within);
}

QByteArray TestClient::describeQueuedPushes() const
{
    if (m_pushes.isEmpty())
        return "no pushes queued";
    QByteArray text = "queued pushes:";
    for (const auto &push : m_pushes)
        text += ' ' + push.name.toUtf8() + ' '
            + abbreviated(QJsonDocument(push.data).toJson(QJsonDocument::Compact)) + ';';
    return text;
}

} // namespace confab::test
