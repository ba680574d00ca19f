#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <chrono>
#include <memory>

namespace confab::test {

class TestDatabase;

// One real confabd (the binary named by CONFAB_SERVER_BINARY) listening on a free port of
// 127.0.0.1, with its own data directory and database (see TestDatabase). start() may be
// called again after stop() or kill(): the server comes back on the same data directory and
// database, as after a restart in production.
//
// The calls that can fail return false and leave a message in errorString(), meant to be
// handed to QVERIFY2.
class ServerProcess : public QObject
{
    Q_OBJECT

public:
    // config is the text of an INI file given with --config (nothing when empty), e.g.
    // "[limits]\nrequests_per_second=1000\n"; extraArguments are appended to the command line.
    explicit ServerProcess(QString config = {}, QStringList extraArguments = {},
                           QObject *parent = nullptr);
    // Stops a running server; a stop that is not clean is logged, but cannot fail a test
    // from here: tests call stop() themselves and verify it.
    ~ServerProcess() override;

    // Makes this server another node of first's cluster: the same database and the same TLS
    // identity, as nodes behind one load balancer have. Call before start(), after first
    // started.
    bool joinClusterOf(const ServerProcess &first);

    // Stores into database instead of the one the environment chooses. Call before start().
    void useDatabase(std::shared_ptr<TestDatabase> database) { m_database = std::move(database); }
    // After the first start, start() listens on the same port again, as a node behind a load
    // balancer whose configuration names it must.
    void keepPortAcrossRestarts() { m_keepPort = true; }

    // Starts confabd and waits until it announces that it listens.
    bool start();
    // SIGTERM without waiting for the exit; stop() then waits for it.
    void terminate();
    // SIGTERM; succeeds when confabd exits with code 0 in time and reported no sanitizer error.
    bool stop();
    // SIGKILL, as in a power cut.
    bool kill();
    bool isRunning() const;
    qint64 processId() const { return m_process ? m_process->processId() : 0; }

    QUrl url() const { return m_url; } // wss://127.0.0.1:<port>/ws
    quint16 port() const { return quint16(m_url.port()); }
    QUrl httpsUrl(const QString &path) const;
    // The certificate in <data-dir>/tls/cert.pem, read once the server listens.
    QSslCertificate certificate() const { return m_certificate; }
    // The fingerprint confabd printed at its last start.
    QString printedFingerprint() const { return m_printedFingerprint; }

    QString dataDir() const;
    QString databaseUrl() const;
    QString backendName() const;

    QByteArray standardOutput() const { return m_stdout; }
    QByteArray standardError() const { return m_stderr; }
    QString errorString() const { return m_error; }

    // Writes confabd's output into the test log; for the cleanup() of a failed test.
    void printDiagnostics() const;

    static constexpr std::chrono::milliseconds kStartTimeout { 60'000 };
    static constexpr std::chrono::milliseconds kStopTimeout { 30'000 };

private:
    bool fail(const QString &message);
    void readStandardOutput();
    void readStandardError();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    bool waitForExit(std::chrono::milliseconds timeout);
    QString sanitizerReport() const;
    QString outputTail() const;

    QString m_config;
    QStringList m_extraArguments;
    QTemporaryDir m_root;
    std::shared_ptr<TestDatabase> m_database;
    std::unique_ptr<QProcess> m_process;

    QByteArray m_stdout;
    QByteArray m_stderr;
    QByteArray m_pendingLine;
    QString m_error;

    QUrl m_url;
    QString m_printedFingerprint;
    QSslCertificate m_certificate;
    quint16 m_lastPort = 0;
    bool m_keepPort = false;
    bool m_listening = false;
    bool m_exitExpected = false;
    bool m_exitedUnexpectedly = false;
    int m_exitCode = 0;
    QProcess::ExitStatus m_exitStatus = QProcess::NormalExit;
};

} // namespace confab::test
