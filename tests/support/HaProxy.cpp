#include "HaProxy.h"

#include "FreePort.h"
#include "Wait.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpSocket>
#include <QTimer>
#include <QtDebug>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kDefaultBinary = "/usr/sbin/haproxy";

} // namespace

HaProxy::HaProxy(QObject *parent)
    : QObject(parent)
{ }

HaProxy::~HaProxy()
{
    stop();
}

QUrl HaProxy::url() const
{
    return QUrl(u"wss://127.0.0.1:%1/ws"_s.arg(m_port));
}

bool HaProxy::fail(const QString &message)
{
    m_error = message;
    return false;
}

QString HaProxy::configuration(const QList<quint16> &nodePorts, int maxConnections) const
{
    // Long client and server timeouts: a chat connection is idle most of the time, and
    // confabd's own pings keep it alive.
    QString config = uR"(global
    maxconn %3

defaults
    mode tcp
    timeout connect 2s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    retries 2
    option redispatch

frontend confab
    bind 127.0.0.1:%1
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
    default-server check check-ssl verify none inter %2 fall 2 rise 1
)"_s.arg(m_port)
                         .arg(kCheckIntervalMs)
                         .arg(maxConnections);
    for (qsizetype i = 0; i < nodePorts.size(); ++i)
        config += u"    server node%1 127.0.0.1:%2\n"_s.arg(i + 1).arg(nodePorts.at(i));
    return config;
}

bool HaProxy::start(const QList<quint16> &nodePorts, int maxConnections)
{
    const QString binary
        = qEnvironmentVariable("CONFAB_HAPROXY", QLatin1StringView(kDefaultBinary));
    if (!QFileInfo(binary).isExecutable())
        return fail(u"%1 is not an executable file; install Debian's haproxy package (or set "
                    "CONFAB_HAPROXY)."_s.arg(binary));
    if (!m_root.isValid())
        return fail(u"Cannot create a temporary directory: %1"_s.arg(m_root.errorString()));
    m_port = freeLoopbackPort();
    if (m_port == 0)
        return fail(u"No free port on 127.0.0.1."_s);

    const QString configPath = QDir(m_root.path()).absoluteFilePath(u"haproxy.cfg"_s);
    QFile file(configPath);
    const QByteArray text = configuration(nodePorts, maxConnections).toUtf8();
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
        return fail(u"Cannot write %1: %2"_s.arg(configPath, file.errorString()));
    file.close();

    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process.get(), &QProcess::readyRead, this,
            [this] { m_output.append(m_process->readAll()); });
    // -db: stay in the foreground, as a child the test can stop; -f: this configuration only.
    m_process->start(binary, { u"-db"_s, u"-f"_s, configPath });
    if (!waitUntilAccepting()) {
        const QString output = QString::fromUtf8(m_output);
        stop();
        return fail(
            u"HAProxy did not accept connections on 127.0.0.1:%1 within %2 ms.\n%3"_s.arg(m_port)
                .arg(kStartTimeout.count())
                .arg(output));
    }
    return true;
}

bool HaProxy::waitUntilAccepting()
{
    // HAProxy says nothing when it has bound its port, so the test connects until that
    // works; each refused attempt starts the next one shortly after.
    bool accepted = false;
    QTcpSocket socket;
    QTimer retry;
    retry.setSingleShot(true);
    retry.setInterval(20);
    connect(&socket, &QTcpSocket::connected, this, [&] { accepted = true; });
    connect(&socket, &QTcpSocket::errorOccurred, this, [&] { retry.start(); });
    connect(&retry, &QTimer::timeout, this, [&] {
        socket.abort();
        socket.connectToHost(QHostAddress::LocalHost, m_port);
    });
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    const bool done = waitUntil(
        [&] { return accepted || m_process->state() == QProcess::NotRunning; }, kStartTimeout);
    socket.abort();
    return done && accepted;
}

bool HaProxy::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return true;
    m_process->terminate();
    const bool exited
        = waitUntil([this] { return m_process->state() == QProcess::NotRunning; }, kStartTimeout);
    if (!exited) {
        m_process->kill();
        waitUntil([this] { return m_process->state() == QProcess::NotRunning; }, kStartTimeout);
        return fail(u"HAProxy did not exit on SIGTERM."_s);
    }
    return true;
}

void HaProxy::printDiagnostics() const
{
    qWarning().noquote() << "HAProxy on port" << m_port << "said:\n" << QString::fromUtf8(m_output);
}

} // namespace confab::test
