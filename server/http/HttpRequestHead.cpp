#include "HttpRequestHead.h"

namespace confab::server {

QByteArray HttpRequestHead::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return {};
}

bool HttpRequestHead::isWebSocketUpgrade() const
{
    return method == "GET" && header("upgrade").trimmed().toLower() == "websocket";
}

bool HttpRequestHead::allowsKeepAlive() const
{
    bool close = false;
    bool keepAlive = false;
    for (const QByteArray &token : header("connection").split(',')) {
        const QByteArray option = token.trimmed().toLower();
        close = close || option == "close";
        keepAlive = keepAlive || option == "keep-alive";
    }
    return !close && (!http10 || keepAlive);
}

std::pair<HttpRequestHead::Status, HttpRequestHead> HttpRequestHead::parse(QByteArrayView data)
{
    HttpRequestHead head;
    const qsizetype end = data.indexOf(QByteArrayView("\r\n\r\n"));
    if (end < 0)
        return { Status::Incomplete, head };
    head.size = end + 4;
    const QList<QByteArray> lines = data.first(end).toByteArray().split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")
        || !requestLine.at(1).startsWith('/'))
        return { Status::Malformed, head };
    head.method = requestLine.at(0);
    head.http10 = requestLine.at(2) == "HTTP/1.0";
    const QByteArray &target = requestLine.at(1);
    const qsizetype question = target.indexOf('?');
    head.path = question < 0 ? target : target.first(question);
    head.query = question < 0 ? QByteArray() : target.mid(question + 1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return { Status::Malformed, head };
        head.headers.append(
            { line.first(colon).trimmed().toLower(), line.mid(colon + 1).trimmed() });
    }
    return { Status::Complete, head };
}

} // namespace confab::server
