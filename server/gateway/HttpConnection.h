#pragma once

#include "HttpRouter.h"
#include "http/HttpRequestHead.h"

#include <QObject>

class QTcpSocket;
class QTimer;

namespace confab::server {

// One accepted connection while it speaks HTTP/1.1: reads requests one after another, each
// within the deadline, reads every body the same way (one size limit, "100 Continue", a 413
// whose body is read and dropped so that the client sees the answer), hands each whole
// request to its route and writes the answer. The connection stays open for the next request
// while the client allows it and the request limit lasts; a client that sends its next
// request before the answer (pipelining) is answered and then closed, so that it sends that
// request again on a new connection. A WebSocket upgrade is answered here and the socket
// handed over (upgradeAccepted()).
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        // For each request to arrive whole and be answered, counted from the connection's
        // start or the last answer; also how long an idle kept-alive connection stays.
        int deadlineMs = 10'000;
        qint64 maxBodyBytes = 256 * 1024;
        int maxRequests = 1000;
    };

    // Works on socket, which stays its owner's; anchor is a long-lived object of this thread
    // that results computed elsewhere are posted to.
    HttpConnection(QTcpSocket *socket, const HttpRouter &router, const Limits &limits,
                   QObject *anchor);

    QTcpSocket *socket() const { return m_socket; }
    // Answers the request under way, if any, with "Connection: close": the server drains.
    void stopKeepingAlive() { m_keepAlive = false; }

signals:
    // 101 was written; the socket now belongs to whoever takes it, with what followed the
    // request still unread in it.
    void upgradeAccepted(QTcpSocket *socket, const QByteArray &path, const QByteArray &query,
                         const confab::server::HttpRouter::Route *route);

private:
    enum class State : quint8 { Head, Body, Answering, Draining, Closing, Upgraded };

    void onReadyRead();
    void readHead();
    void readBody();
    void drainBody();
    void upgrade(const HttpRouter::Route &route);
    void dispatch(const HttpRequest &request);
    void answer(const HttpAnswer &answer);
    // Answers and closes: the request could not be read, so nothing after it can be either.
    void refuse(const HttpAnswer &answer);

    QTcpSocket *m_socket;
    const HttpRouter &m_router;
    Limits m_limits;
    QObject *m_anchor;
    QTimer *m_deadline;
    HttpRequestHead m_head;
    qint64 m_bodyBytes = 0;
    int m_served = 0;
    State m_state = State::Head;
    bool m_continueSent = false;
    bool m_pipelined = false;
    bool m_keepAlive = true;
};

} // namespace confab::server
