#include "ServerProcess.h"

#include "Pinning.h"
#include "TestDatabase.h"
#include "Wait.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QtDebug>

#include <array>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kBinaryVariable = "CONFAB_SERVER_BINARY";
constexpr qsizetype kMessageTailBytes = 4000;
constexpr qsizetype kDiagnosticsTailBytes = 64 * 1024;
constexpr qsizetype kSanitizerReportBytes = 12000;

// What the sanitizers write when they find something; the ASan build of the tests runs the
// ASan build of confabd, and such a report fails the test even when the exit code is 0.
constexpr std::array kSanitizerMarkers {
    "ERROR: AddressSanitizer"_L1,           "ERROR: LeakSanitizer"_L1,     "runtime error:"_L1,
    "ERROR: UndefinedBehaviorSanitizer"_L1, "WARNING: ThreadSanitizer"_L1,
};

QString tail(const QByteArray &bytes, qsizetype count)
{
    if (bytes.size() <= count)
        return QString::fromUtf8(bytes);
    return u"[…]"_s + QString::fromUtf8(bytes.right(count));
}

} // namespace

ServerProcess::ServerProcess(QString config, QStringList extraArguments, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_extraArguments(std::move(extraArguments))
{ }

ServerProcess::~ServerProcess()
{
    if (isRunning() && !stop())
        qCritical().noquote() << "confabd did not stop cleanly:" << m_error;
    m_process.reset();
    m_database.reset();
}

QString ServerProcess::dataDir() const
{
    return QDir(m_root.path()).absoluteFilePath(u"data"_s);
}

QString ServerProcess::databaseUrl() const
{
    return m_database ? m_database->url() : QString();
}

QString ServerProcess::backendName() const
{
    return m_database ? m_database->backendName() : QString();
}

QUrl ServerProcess::httpsUrl(const QString &path) const
{
    QUrl url = m_url;
    url.setScheme(u"https"_s);
    url.setPath(path);
    return url;
}

bool ServerProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

bool ServerProcess::joinClusterOf(const ServerProcess &first)
{
    if (!first.m_database || first.m_certificate.isNull())
        return fail(u"The first node of the cluster has not started yet."_s);
    if (first.m_database->backend() != TestDatabase::Backend::Postgres)
        return fail(u"A cluster needs PostgreSQL; this run uses %1."_s.arg(first.backendName()));
    if (!m_root.isValid())
        return fail(u"Cannot create a temporary directory: %1"_s.arg(m_root.errorString()));
    const QDir ownTls(QDir(dataDir()).absoluteFilePath(u"tls"_s));
    if (!QDir().mkpath(ownTls.path()))
        return fail(u"Cannot create %1."_s.arg(ownTls.path()));
    const QDir firstTls(QDir(first.dataDir()).absoluteFilePath(u"tls"_s));
    for (const QString &name : { u"cert.pem"_s, u"key.pem"_s }) {
        QFile::remove(ownTls.absoluteFilePath(name));
        if (!QFile::copy(firstTls.absoluteFilePath(name), ownTls.absoluteFilePath(name)))
            return fail(
                u"Cannot copy %1 to %2."_s.arg(firstTls.absoluteFilePath(name), ownTls.path()));
    }
    m_database = first.m_database;
    return true;
}

void ServerProcess::terminate()
{
    if (!isRunning())
        return;
    m_exitExpected = true;
    m_process->terminate();
}

bool ServerProcess::fail(const QString &message)
{
    // Qt Test cuts failure messages at about a kilobyte; a sanitizer report or a log tail is
    // longer, so the whole of it goes into the test log as a warning.
    constexpr qsizetype kFailureMessageChars = 800;
    if (message.size() <= kFailureMessageChars) {
        m_error = message;
    } else {
        qWarning().noquote() << message;
        m_error = message.left(kFailureMessageChars)
            + u"\n[…] (the whole text is in the warning just before)"_s;
    }
    return false;
}

bool ServerProcess::start()
{
    if (isRunning())
        return fail(u"confabd is already running."_s);

    const QString binary = qEnvironmentVariable(kBinaryVariable);
    if (binary.isEmpty())
        return fail(u"%1 is not set; it names the confabd binary under test."_s.arg(
            QLatin1StringView(kBinaryVariable)));
    if (!QFileInfo(binary).isExecutable())
        return fail(
            u"%1=%2 is not an executable file."_s.arg(QLatin1StringView(kBinaryVariable), binary));
    if (!m_root.isValid())
        return fail(u"Cannot create a temporary directory: %1"_s.arg(m_root.errorString()));
    if (!QDir().mkpath(dataDir()))
        return fail(u"Cannot create the data directory %1."_s.arg(dataDir()));

    if (!m_database) {
        QString error;
        m_database = std::shared_ptr<TestDatabase>(TestDatabase::create(dataDir(), &error));
        if (!m_database)
            return fail(error);
    }

    const quint16 port = m_keepPort ? m_lastPort : 0;
    QStringList arguments { u"--listen"_s,   u"127.0.0.1:%1"_s.arg(port),
                            u"--data-dir"_s, dataDir(),
                            u"--database"_s, m_database->url() };
    if (!m_config.isEmpty()) {
        const QString configPath = QDir(m_root.path()).absoluteFilePath(u"confabd.ini"_s);
        QFile file(configPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)
            || file.write(m_config.toUtf8()) != m_config.toUtf8().size())
            return fail(u"Cannot write %1: %2"_s.arg(configPath, file.errorString()));
        file.close();
        arguments << u"--config"_s << configPath;
    }
    arguments << m_extraArguments;

    // The test decides every setting: nothing may leak in from CONFAB_* variables of the
    // environment that runs the tests.
    auto environment = QProcessEnvironment::systemEnvironment();
    const auto keys = environment.keys();
    for (const auto &key : keys) {
        if (key.startsWith("CONFAB_"_L1))
            environment.remove(key);
    }

    if (!m_stdout.isEmpty() || !m_stderr.isEmpty()) {
        m_stdout.append("--- confabd restarted ---\n");
        m_stderr.append("--- confabd restarted ---\n");
    }
    m_pendingLine.clear();
    m_url.clear();
    m_printedFingerprint.clear();
    m_certificate = QSslCertificate();
    m_listening = false;
    m_exitExpected = false;
    m_exitedUnexpectedly = false;
    m_error.clear();

    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setWorkingDirectory(m_root.path());
    connect(m_process.get(), &QProcess::readyReadStandardOutput, this,
            &ServerProcess::readStandardOutput);
    connect(m_process.get(), &QProcess::readyReadStandardError, this,
            &ServerProcess::readStandardError);
    connect(m_process.get(), &QProcess::finished, this, &ServerProcess::onFinished);

    m_process->start(binary, arguments);
    const bool started
        = waitUntil([this] { return m_listening || m_process->state() == QProcess::NotRunning; },
                    kStartTimeout);
    const QString commandLine = binary + u' ' + arguments.join(u' ');

    if (!m_listening) {
        if (m_process->error() == QProcess::FailedToStart)
            return fail(u"Cannot start %1: %2"_s.arg(commandLine, m_process->errorString()));
        if (!started || isRunning()) {
            m_exitExpected = true;
            m_process->kill();
            waitForExit(kStopTimeout);
            return fail(u"confabd did not print \"listening on\" within %1 ms (%2).\n"
                        "stdout:\n%3\nstderr:\n%4"_s.arg(kStartTimeout.count())
                            .arg(commandLine, tail(m_stdout, kMessageTailBytes), outputTail()));
        }
        m_exitedUnexpectedly = false; // reported here, not again by stop()
        return fail(
            u"confabd exited (%1 %2) before it listened (%3).\nstderr:\n%4"_s
                .arg(m_exitStatus == QProcess::CrashExit ? u"crash, signal"_s : u"exit code"_s)
                .arg(m_exitCode)
                .arg(commandLine, outputTail()));
    }

    const QString certificatePath = QDir(dataDir()).absoluteFilePath(u"tls/cert.pem"_s);
    const auto certificates = QSslCertificate::fromPath(certificatePath, QSsl::Pem);
    if (certificates.isEmpty())
        return fail(
            u"confabd listens, but there is no PEM certificate in %1."_s.arg(certificatePath));
    m_certificate = certificates.first();
    return true;
}

void ServerProcess::readStandardOutput()
{
    static const QRegularExpression fingerprintLine(
        u"^confabd: TLS certificate SHA-256 fingerprint: "
        "((?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$"_s);
    static const QRegularExpression listeningLine(u"^confabd: listening on (\\S+)$"_s);

    const QByteArray bytes = m_process->readAllStandardOutput();
    m_stdout.append(bytes);
    m_pendingLine.append(bytes);
    qsizetype newline;
    while ((newline = m_pendingLine.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_pendingLine.left(newline)).trimmed();
        m_pendingLine.remove(0, newline + 1);

        if (const auto match = fingerprintLine.match(line); match.hasMatch()) {
            m_printedFingerprint = match.captured(1).toUpper();
            continue;
        }
        const auto match = listeningLine.match(line);
        if (!match.hasMatch() || m_listening)
            continue;
        const QUrl url(match.captured(1), QUrl::StrictMode);
        if (url.scheme() == "wss"_L1 && url.host() == "127.0.0.1"_L1 && url.port() > 0
            && url.path() == "/ws"_L1) {
            m_url = url;
            m_lastPort = quint16(url.port());
            m_listening = true;
        } else {
            qWarning().noquote() << "confabd announced an unexpected address:" << line;
        }
    }
}

void ServerProcess::readStandardError()
{
    m_stderr.append(m_process->readAllStandardError());
}

void ServerProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readStandardOutput();
    readStandardError();
    m_exitCode = exitCode;
    m_exitStatus = status;
    if (!m_exitExpected) {
        m_exitedUnexpectedly = true;
        qWarning().noquote() << u"confabd exited unexpectedly (%1 %2). stderr:\n%3"_s
                                    .arg(status == QProcess::CrashExit ? u"crash, signal"_s
                                                                       : u"exit code"_s)
                                    .arg(exitCode)
                                    .arg(outputTail());
    }
}

bool ServerProcess::waitForExit(std::chrono::milliseconds timeout)
{
    return waitUntil([this] { return !isRunning(); }, timeout);
}

bool ServerProcess::stop()
{
    if (!isRunning()) {
        if (m_exitedUnexpectedly)
            return fail(
                u"confabd had already exited on its own (%1 %2).\nstderr:\n%3"_s
                    .arg(m_exitStatus == QProcess::CrashExit ? u"crash, signal"_s : u"exit code"_s)
                    .arg(m_exitCode)
                    .arg(outputTail()));
        return true;
    }

    m_exitExpected = true;
    m_process->terminate();
    if (!waitForExit(kStopTimeout)) {
        m_process->kill();
        waitForExit(kStopTimeout);
        return fail(u"confabd did not exit within %1 ms of SIGTERM.\nstderr:\n%2"_s
                        .arg(kStopTimeout.count())
                        .arg(outputTail()));
    }
    if (m_exitStatus == QProcess::CrashExit)
        return fail(u"confabd crashed on SIGTERM (signal %1).\nstderr:\n%2"_s.arg(m_exitCode)
                        .arg(outputTail()));
    if (m_exitCode != 0)
        return fail(u"confabd exited with code %1 after SIGTERM; a clean stop exits with 0.\n"
                    "stderr:\n%2"_s.arg(m_exitCode)
                        .arg(outputTail()));
    if (const QString report = sanitizerReport(); !report.isEmpty())
        return fail(u"confabd exited with 0, but a sanitizer reported:\n%1"_s.arg(report));
    return true;
}

bool ServerProcess::kill()
{
    if (!isRunning())
        return fail(u"confabd is not running, so it cannot be killed."_s);
    m_exitExpected = true;
    m_process->kill();
    if (!waitForExit(kStopTimeout))
        return fail(u"confabd did not die within %1 ms of SIGKILL."_s.arg(kStopTimeout.count()));
    if (const QString report = sanitizerReport(); !report.isEmpty())
        return fail(u"A sanitizer reported before confabd was killed:\n%1"_s.arg(report));
    return true;
}

QString ServerProcess::sanitizerReport() const
{
    qsizetype first = -1;
    for (const auto marker : kSanitizerMarkers) {
        const qsizetype at = m_stderr.indexOf(QByteArrayView(marker.data(), marker.size()));
        if (at >= 0 && (first < 0 || at < first))
            first = at;
    }
    if (first < 0)
        return {};
    const qsizetype lineStart = m_stderr.lastIndexOf('\n', first) + 1;
    return QString::fromUtf8(m_stderr.mid(lineStart, kSanitizerReportBytes));
}

QString ServerProcess::outputTail() const
{
    // A sanitizer report explains a crash better than whatever was logged after it.
    if (const QString report = sanitizerReport(); !report.isEmpty())
        return report;
    if (m_stderr.trimmed().isEmpty())
        return u"(nothing on stderr; stdout:)\n"_s + tail(m_stdout, kMessageTailBytes);
    return tail(m_stderr, kMessageTailBytes);
}

void ServerProcess::printDiagnostics() const
{
    qInfo().noquote() << u"confabd (%1, data in %2) stdout:\n%3"_s.arg(
        backendName(), dataDir(), tail(m_stdout, kDiagnosticsTailBytes));
    qInfo().noquote() << u"confabd stderr:\n%1"_s.arg(tail(m_stderr, kDiagnosticsTailBytes));
}

} // namespace confab::test
