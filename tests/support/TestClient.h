#pragma once

#include "Reply.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QWebSocket>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace confab::test {

class ServerProcess;

// One client connection speaking protocol version 1 to confabd over wss, trusting nothing
// but the server's own certificate. Requests wait for their reply; pushes that arrive in the
// meantime are queued until a test asks for them.
//
// Every frame from the server is checked against the envelope of docs/protocol.md;
// what does not fit is collected in protocolViolations().
class TestClient : public QObject
{
    Q_OBJECT

public:
    using PushFilter = std::function<bool(const QJsonObject &data)>;
    // Matches the event of room at seq.
    static PushFilter eventAt(qint64 room, qint64 seq);

    static constexpr std::chrono::milliseconds kTimeout { 30'000 };

    explicit TestClient(const ServerProcess &server, QObject *parent = nullptr);
    TestClient(QUrl url, QSslCertificate certificate, QObject *parent = nullptr);
    ~TestClient() override;

    // A client connected to server and signed in, as a new user or with a token; nullptr
    // and *error set when that fails.
    static std::unique_ptr<TestClient> registered(const ServerProcess &server, const QString &name,
                                                  const QString &password, QString *error);
    static std::unique_ptr<TestClient> resumed(const ServerProcess &server, const QString &token,
                                               QString *error);

    // Opens the connection and waits for the hello push, which must be the first frame.
    bool connectToServer();
    bool connectTo(const QUrl &url);
    QString errorString() const { return m_error; }
    const QJsonObject &hello() const { return m_hello; }
    bool isConnected() const;
    void close(QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal);
    // Drops the connection without a closing handshake, as a lost network does.
    void abort();
    bool waitForDisconnected(std::chrono::milliseconds timeout = kTimeout);
    QWebSocketProtocol::CloseCode closeCode() const { return m_socket.closeCode(); }
    QString closeReason() const { return m_socket.closeReason(); }
    QWebSocket &socket() { return m_socket; }

    // Sends a request without waiting and returns its id.
    QJsonValue post(QLatin1StringView op, const QJsonObject &args = {});
    Reply waitForReply(const QJsonValue &id, std::chrono::milliseconds timeout = kTimeout);
    Reply request(QLatin1StringView op, const QJsonObject &args = {},
                  std::chrono::milliseconds timeout = kTimeout);
    // For malformed input: frames sent as they are, and the replies taken in arrival order.
    void sendRaw(const QString &text);
    void sendBinary(const QByteArray &bytes);
    Reply nextReply(std::chrono::milliseconds timeout = kTimeout);

    // Sign-in; on success the client remembers the token and the user.
    Reply registerUser(const QString &name, const QString &password);
    Reply login(const QString &name, const QString &password);
    Reply resume(const QString &token);
    Reply logout();
    QString token() const { return m_token; }
    QJsonObject user() const { return m_user; }
    qint64 userId() const;
    QString userName() const;

    // A send with a fresh client_id unless one is given.
    Reply send(qint64 room, const QString &text, const QString &clientId = {});
    static QString newClientId();
    // The room's whole history, newest first, fetched page by page; empty with *error set
    // when a page fails.
    QList<QJsonObject> wholeHistory(qint64 room, QString *error);

    // Takes the first queued or arriving push of that name that passes filter.
    std::optional<QJsonObject> waitForPush(QLatin1StringView push, const PushFilter &filter = {},
                                           std::chrono::milliseconds timeout = kTimeout);
    // Takes every queued push of that name.
    QList<QJsonObject> takePushes(QLatin1StringView push);
    // True when no push of that name passing filter is queued or arrives within the time.
    bool expectNoPush(QLatin1StringView push, std::chrono::milliseconds within,
                      const PushFilter &filter = {});
    // The names and data of every queued push, for failure messages.
    QByteArray describeQueuedPushes() const;
    void clearPushes() { m_pushes.clear(); }

    QStringList protocolViolations() const { return m_violations; }

private:
    struct Push
    {
        QString name;
        QJsonObject data;
    };

    void onTextMessage(const QString &text);
    void onBinaryMessage(const QByteArray &bytes);
    void violation(const QString &what, const QString &frame);
    qsizetype findReply(const QJsonValue &id) const;
    qsizetype findPush(QLatin1StringView push, const PushFilter &filter) const;
    Reply signIn(QLatin1StringView op, const QJsonObject &args, const QString &token);
    QString describeClosure() const;
    QString describeRequest(const QJsonValue &id) const;

    QUrl m_url;
    QSslCertificate m_certificate;
    QWebSocket m_socket;

    QString m_error;
    QList<QSslError> m_sslErrors;
    bool m_sawFirstFrame = false;
    bool m_helloReceived = false;
    bool m_disconnected = false;
    QJsonObject m_hello;

    int m_nextRequest = 1;
    QHash<QString, QString> m_requestDescriptions;
    QList<QJsonObject> m_replies;
    QList<Push> m_pushes;
    QStringList m_violations;

    QString m_token;
    QJsonObject m_user;
};

} // namespace confab::test
