#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace confab::client {

class CertificatePins;
class Session;

// Prepares a server for a demonstration through the ordinary protocol, as any client could:
// the accounts "demo", "ada" and "grace" (password kPassword), a public room "Welcome to
// Confab" with a short conversation, and a private room for the demo user. Whatever already
// exists is reused, so running it again changes nothing. The client then signs in as "demo".
class DemoSetup : public QObject
{
    Q_OBJECT

public:
    static inline const QString kUserName = QStringLiteral("demo");
    static inline const QString kPassword = QStringLiteral("confab-demo");

    DemoSetup(QUrl server, CertificatePins *pins, QString trustedFingerprint,
              QObject *parent = nullptr);
    ~DemoSetup() override;

    void run();

signals:
    void finished(bool ok, const QString &error);

private:
    using Step = std::function<void()>;

    Session *sessionFor(const QString &userName);
    void signIn(const QString &userName, const Step &next);
    void findOrCreateRoom(const QString &name, const QString &topic, bool isPrivate,
                          const std::function<void(qint64 roomId, bool created)> &next);
    void join(const QString &userName, qint64 roomId, const Step &next);
    void post(const QList<std::pair<QString, QString>> &lines, qint64 roomId, const Step &next);
    void fail(const QString &error);

    QUrl m_server;
    CertificatePins *m_pins;
    QString m_trustedFingerprint;
    QHash<QString, Session *> m_sessions;
    bool m_done = false;
};

} // namespace confab::client
