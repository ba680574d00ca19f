#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <chrono>
#include <memory>

namespace confab::test {

// A throwaway PostgreSQL 15 of a test's own, for what the suite's shared server must not go
// through: being stopped and started again while every other test uses it. Made the way
// scripts/lib/postgres.sh makes the suite's: initdb into a temporary directory, postgres on
// a free port of 127.0.0.1, and a role confab (password confab) that may create databases.
// As root, PostgreSQL runs as the postgres system user, since it refuses to run as root.
//
// The calls that can fail return false and leave a message in errorString().
class PostgresServer : public QObject
{
    Q_OBJECT

public:
    explicit PostgresServer(QObject *parent = nullptr);
    ~PostgresServer() override;

    bool start();
    // A fast shutdown (open transactions rolled back, every connection ended) and a start on
    // the same data directory and port, as an operator's restart does.
    bool restart();
    // The same, returning at once: isReady() turns false now and true again once the server
    // accepts connections, or hasFailed() turns true. For tests whose traffic goes on meanwhile.
    void beginRestart();
    bool stop();
    bool isReady() const { return m_ready; }
    bool hasFailed() const { return m_failed; }

    quint16 port() const { return m_port; }
    // postgresql://confab:confab@127.0.0.1:<port>/postgres, for TestDatabase.
    QUrl adminUrl() const;
    QString errorString() const { return m_error; }
    void printDiagnostics() const;

    static constexpr std::chrono::milliseconds kTimeout { 60'000 };

private:
    bool fail(const QString &message);
    QString dataDir() const;
    QString socketDir() const;
    // Runs one of PostgreSQL's programs to its end, as the user the server runs as.
    bool run(const QString &program, const QStringList &arguments);
    bool launch();
    void beginLaunch();
    bool waitUntilSettled();
    void startProcess(QProcess &process, const QString &program, const QStringList &arguments);

    QTemporaryDir m_root;
    std::unique_ptr<QProcess> m_server;
    std::unique_ptr<QProcess> m_control; // pg_ctl during beginRestart()
    QByteArray m_log;
    qsizetype m_launchLogStart = 0;
    quint16 m_port = 0;
    bool m_ready = false;
    bool m_failed = false;
    bool m_stopping = false; // an exit of the server is expected
    QString m_error;
};

} // namespace confab::test
