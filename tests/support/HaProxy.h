#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

#include <chrono>
#include <memory>

namespace confab::test {

// A real HAProxy (Debian's /usr/sbin/haproxy, or the binary named by CONFAB_HAPROXY) in front
// of confabd nodes on 127.0.0.1, as an operator runs it: TCP mode passing TLS through to the
// nodes, round robin, health checks on /readyz, and a new server for a connection whose
// server refuses it.
class HaProxy : public QObject
{
    Q_OBJECT

public:
    explicit HaProxy(QObject *parent = nullptr);
    ~HaProxy() override;

    // Writes the configuration into a temporary directory and starts HAProxy in the
    // foreground; returns once it accepts connections. maxConnections is HAProxy's own limit
    // of client connections (each also holds one to a node).
    bool start(const QList<quint16> &nodePorts, int maxConnections = kDefaultMaxConnections);
    bool stop();

    quint16 port() const { return m_port; }
    qint64 processId() const { return m_process ? m_process->processId() : 0; }
    QUrl url() const; // wss://127.0.0.1:<port>/ws
    QString errorString() const { return m_error; }
    void printDiagnostics() const;

    static constexpr std::chrono::milliseconds kStartTimeout { 20'000 };
    static constexpr int kCheckIntervalMs = 300;
    static constexpr int kDefaultMaxConnections = 2048;

private:
    bool fail(const QString &message);
    bool waitUntilAccepting();
    QString configuration(const QList<quint16> &nodePorts, int maxConnections) const;

    QTemporaryDir m_root;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace confab::test
