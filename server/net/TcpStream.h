#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <functional>

class QSocketNotifier;

namespace confab::server {

// A connected TCP socket's descriptor, read and written directly: no buffer in between on
// the way in, and on the way out only what the kernel did not take yet, kept while it lasts.
// (A QTcpSocket keeps 16 KiB to read into and 32 KiB to write from for its whole life once
// it has used them.)
class TcpStream final : public QObject
{
    Q_OBJECT

public:
    // Takes over an accepted, connected descriptor; closes it when destroyed. onReadyRead is
    // called whenever bytes, the end or an error have arrived: directly, not as a signal,
    // because it runs for every record a connection receives (see the .cpp's ReadNotifier).
    TcpStream(qintptr descriptor, std::function<void()> onReadyRead, QObject *parent = nullptr);
    ~TcpStream() override;

    // Starts a connection to address and returns its descriptor without waiting for it: what
    // a stream on it writes meanwhile waits until the connection is made, and a connection
    // that fails shows as an error on the first read or write. -1, with the reason in *error,
    // when it cannot even start.
    static qintptr startConnection(const QHostAddress &address, quint16 port, QString *error);

    bool isOpen() const { return m_descriptor >= 0; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    QHostAddress localAddress() const { return m_localAddress; }
    quint16 localPort() const { return m_localPort; }
    QAbstractSocket::SocketError error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    // The peer closed its side: nothing more will arrive.
    bool atEnd() const { return m_atEnd; }

    // What has arrived, up to maxSize bytes: 0 when nothing is waiting (or at the end), -1 on
    // an error. After a read that got less than it asked for, 0 until onReadyRead again.
    qint64 read(char *data, qint64 maxSize);
    // Sends now what the kernel takes and keeps the rest for when it can; false once the
    // connection is broken.
    bool write(const char *data, qint64 size);
    qint64 bytesToWrite() const { return m_pending.size(); }

    void setSocketOption(QAbstractSocket::SocketOption option, const QVariant &value);
    QVariant socketOption(QAbstractSocket::SocketOption option) const;

    // Sends what is still pending, then closes; a peer that does not take it within lingerMs
    // is cut off. The stream deletes itself when done; keeper (which should outlive whoever
    // owned the stream) holds it meanwhile, so that it goes with keeper at the latest.
    void closeWhenSent(int lingerMs, QObject *keeper);

signals:
    // A write failed or the connection was reset while bytes were pending.
    void broken();

private:
    class ReadNotifier;

    void onReadable();
    // What the kernel takes of data at once; -1 when the connection is broken.
    qint64 sendNow(const char *data, qint64 size);
    void sendPending();
    void watchWritable();
    void setError(int errorNumber);
    void closeDescriptor();

    qintptr m_descriptor;
    std::function<void()> m_onReadyRead;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_pending;
    QHostAddress m_peerAddress;
    QHostAddress m_localAddress;
    quint16 m_peerPort = 0;
    quint16 m_localPort = 0;
    QAbstractSocket::SocketError m_error = QAbstractSocket::UnknownSocketError;
    QString m_errorString;
    bool m_atEnd = false;
    bool m_drained = false;
};

} // namespace confab::server
