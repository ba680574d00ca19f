#include "PostgresServer.h"

#include "FreePort.h"
#include "Wait.h"

#include <QDir>
#include <QFileInfo>
#include <QtDebug>

#include <pwd.h>
#include <unistd.h>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kReadyLine = "database system is ready to accept connections";
constexpr int kPortAttempts = 5;
constexpr qsizetype kMessageTailBytes = 4000;

QString binary(const QString &name)
{
    return QDir(qEnvironmentVariable("CONFAB_PG_BIN", u"/usr/lib/postgresql/15/bin"_s))
        .absoluteFilePath(name);
}

bool runsAsRoot()
{
    return ::geteuid() == 0;
}

// As root the directory must be reachable by the postgres user, whatever TMPDIR says; the
// name differs from scripts/lib/postgres.sh's, whose clean-up would take it for its own.
QString directoryTemplate()
{
    const QString base = runsAsRoot() ? u"/tmp"_s : QDir::tempPath();
    return QDir(base).absoluteFilePath(u"confab-testpg-XXXXXX"_s);
}

bool giveToPostgresUser(const QString &path, QString *error)
{
    const passwd *user = ::getpwnam("postgres");
    if (!user) {
        *error = u"There is no postgres system user to run PostgreSQL as (it refuses root)."_s;
        return false;
    }
    if (::chown(QFile::encodeName(path).constData(), user->pw_uid, user->pw_gid) != 0) {
        *error = u"Cannot give %1 to the postgres user: %2"_s.arg(
            path, QString::fromLocal8Bit(::strerror(errno)));
        return false;
    }
    return true;
}

} // namespace

PostgresServer::PostgresServer(QObject *parent)
    : QObject(parent)
    , m_root(directoryTemplate())
{ }

PostgresServer::~PostgresServer()
{
    if (!stop())
        qWarning().noquote() << "The test's PostgreSQL did not stop cleanly:" << m_error;
}

QString PostgresServer::dataDir() const
{
    return QDir(m_root.path()).absoluteFilePath(u"data"_s);
}

QString PostgresServer::socketDir() const
{
    return QDir(m_root.path()).absoluteFilePath(u"socket"_s);
}

QUrl PostgresServer::adminUrl() const
{
    return QUrl(u"postgresql://confab:confab@127.0.0.1:%1/postgres"_s.arg(m_port));
}

bool PostgresServer::fail(const QString &message)
{
    m_error = message;
    return false;
}

void PostgresServer::startProcess(QProcess &process, const QString &program,
                                  const QStringList &arguments)
{
    process.setWorkingDirectory(m_root.path());
    if (runsAsRoot()) {
        process.start(u"setpriv"_s,
                      QStringList { u"--reuid=postgres"_s, u"--regid=postgres"_s,
                                    u"--init-groups"_s, u"--"_s, binary(program) }
                          + arguments);
    } else {
        process.start(binary(program), arguments);
    }
}

bool PostgresServer::run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    startProcess(process, program, arguments);
    // The event loop keeps running meanwhile, so clients of the servers under test go on.
    const bool finished
        = waitUntil([&] { return process.state() == QProcess::NotRunning; }, kTimeout);
    const QString output = QString::fromUtf8(process.readAll().right(kMessageTailBytes));
    if (!finished) {
        process.kill();
        process.waitForFinished();
        return fail(u"%1 did not finish within %2 ms:\n%3"_s.arg(program)
                        .arg(kTimeout.count())
                        .arg(output));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return fail(u"%1 failed (%2, exit code %3):\n%4"_s.arg(program, process.errorString())
                        .arg(process.exitCode())
                        .arg(output));
    return true;
}

bool PostgresServer::start()
{
    if (!QFileInfo(binary(u"postgres"_s)).isExecutable())
        return fail(u"PostgreSQL 15 is not installed (no %1)."_s.arg(binary(u"postgres"_s)));
    if (!m_root.isValid())
        return fail(u"Cannot create a temporary directory: %1"_s.arg(m_root.errorString()));
    if (!QDir().mkpath(socketDir()))
        return fail(u"Cannot create %1."_s.arg(socketDir()));
    QString error;
    if (runsAsRoot()
        && (!giveToPostgresUser(m_root.path(), &error) || !giveToPostgresUser(socketDir(), &error)))
        return fail(error);
    if (!run(u"initdb"_s,
             { u"-D"_s, dataDir(), u"-U"_s, u"postgres"_s, u"--auth-local=trust"_s,
               u"--auth-host=scram-sha-256"_s, u"--encoding=UTF8"_s, u"--locale=C.UTF-8"_s,
               // Its files are synced by the server's checkpoints; a throwaway cluster need
               // not wait for initdb to sync them as well.
               u"--no-sync"_s }))
        return false;

    for (int attempt = 1;; ++attempt) {
        m_port = freeLoopbackPort();
        if (m_port == 0)
            return fail(u"No free port on 127.0.0.1."_s);
        if (launch())
            break;
        const QByteArray log = m_log.mid(m_launchLogStart);
        const bool portTaken
            = log.contains("could not bind") || log.contains("could not create any TCP/IP sockets");
        if (!portTaken || attempt == kPortAttempts)
            return false;
    }
    return run(u"psql"_s,
               { u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-h"_s, socketDir(), u"-p"_s,
                 QString::number(m_port), u"-U"_s, u"postgres"_s, u"-d"_s, u"postgres"_s, u"-c"_s,
                 u"CREATE ROLE confab LOGIN CREATEDB PASSWORD 'confab'"_s });
}

void PostgresServer::beginLaunch()
{
    m_ready = false;
    m_failed = false;
    m_stopping = false;
    m_error.clear();
    // Called from the finished signal of the process it replaces, which must outlive it.
    if (m_server) {
        m_server->disconnect(this);
        m_server.release()->deleteLater();
    }
    m_server = std::make_unique<QProcess>();
    m_server->setProcessChannelMode(QProcess::MergedChannels);
    m_launchLogStart = m_log.size();
    connect(m_server.get(), &QProcess::readyRead, this, [this] {
        m_log.append(m_server->readAll());
        if (!m_ready && m_log.indexOf(kReadyLine, m_launchLogStart) >= 0)
            m_ready = true;
    });
    connect(m_server.get(), &QProcess::finished, this, [this] {
        if (m_stopping)
            return;
        fail(u"PostgreSQL on port %1 exited unasked:\n%2"_s.arg(m_port).arg(
            QString::fromUtf8(m_log.mid(m_launchLogStart).right(kMessageTailBytes))));
        m_ready = false;
        m_failed = true;
    });
    startProcess(*m_server, u"postgres"_s,
                 { u"-D"_s, dataDir(), u"-c"_s, u"listen_addresses=127.0.0.1"_s, u"-c"_s,
                   u"port=%1"_s.arg(m_port), u"-c"_s,
                   u"unix_socket_directories=%1"_s.arg(socketDir()), u"-c"_s, u"fsync=on"_s,
                   u"-c"_s, u"synchronous_commit=on"_s });
}

bool PostgresServer::waitUntilSettled()
{
    if (!waitUntil([this] { return m_ready || m_failed; }, kTimeout)) {
        m_failed = true;
        return fail(
            u"PostgreSQL did not become ready on port %1 within %2 ms:\n%3"_s.arg(m_port)
                .arg(kTimeout.count())
                .arg(QString::fromUtf8(m_log.mid(m_launchLogStart).right(kMessageTailBytes))));
    }
    return m_ready;
}

bool PostgresServer::launch()
{
    beginLaunch();
    if (waitUntilSettled())
        return true;
    if (m_server->state() != QProcess::NotRunning) {
        m_server->kill();
        m_server->waitForFinished();
    }
    return false;
}

void PostgresServer::beginRestart()
{
    m_ready = false;
    m_failed = false;
    m_stopping = true;
    m_control = std::make_unique<QProcess>();
    m_control->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_control.get(), &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                if (status != QProcess::NormalExit || exitCode != 0) {
                    m_failed = true;
                    fail(u"pg_ctl stop failed:\n%1"_s.arg(QString::fromUtf8(m_control->readAll())));
                    return;
                }
                // pg_ctl returns once postmaster.pid is gone; the postmaster, the test's child,
                // is reaped a moment later.
                if (!m_server || m_server->state() == QProcess::NotRunning)
                    beginLaunch();
                else
                    connect(m_server.get(), &QProcess::finished, this,
                            &PostgresServer::beginLaunch);
            });
    startProcess(*m_control, u"pg_ctl"_s,
                 { u"-D"_s, dataDir(), u"-m"_s, u"fast"_s, u"-w"_s, u"stop"_s });
}

bool PostgresServer::restart()
{
    if (!m_server || m_server->state() == QProcess::NotRunning)
        return fail(u"PostgreSQL is not running, so it cannot be restarted."_s);
    beginRestart();
    return waitUntilSettled();
}

bool PostgresServer::stop()
{
    if (!m_server || m_server->state() == QProcess::NotRunning)
        return true;
    m_ready = false;
    m_stopping = true;
    if (!run(u"pg_ctl"_s, { u"-D"_s, dataDir(), u"-m"_s, u"fast"_s, u"-w"_s, u"stop"_s }))
        return false;
    // pg_ctl returns once postmaster.pid is gone; the process is the test's child as well.
    if (!waitUntil([this] { return m_server->state() == QProcess::NotRunning; }, kTimeout))
        return fail(u"PostgreSQL did not exit after pg_ctl stop."_s);
    return true;
}

void PostgresServer::printDiagnostics() const
{
    qInfo().noquote() << u"The test's PostgreSQL (port %1, data in %2) logged:\n%3"_s.arg(m_port)
                             .arg(dataDir(), QString::fromUtf8(m_log.right(64 * 1024)));
}

} // namespace confab::test
