#include "ServerAddress.h"

namespace confab::client::serverAddress {

using namespace Qt::StringLiterals;

QUrl fromUserInput(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.contains(u' '))
        return {};
    QUrl url = trimmed.contains("://"_L1) ? QUrl(trimmed, QUrl::StrictMode)
                                          : QUrl(u"wss://"_s + trimmed, QUrl::StrictMode);
    if (url.scheme() == "https"_L1)
        url.setScheme(u"wss"_s);
    else if (url.scheme() == "http"_L1)
        url.setScheme(u"ws"_s);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != "wss"_L1 && url.scheme() != "ws"_L1) || !url.userInfo().isEmpty()
        || url.hasQuery() || url.hasFragment())
        return {};
    if (url.port() < 0)
        url.setPort(kDefaultPort);
    if (url.path().isEmpty() || url.path() == "/"_L1)
        url.setPath(u"/ws"_s);
    return url;
}

QString display(const QUrl &url)
{
    if (!url.isValid())
        return {};
    QString host = url.host();
    if (host.contains(u':'))
        host = u'[' + host + u']';
    QString text = url.port() == kDefaultPort ? host : u"%1:%2"_s.arg(host).arg(url.port());
    if (url.scheme() == "ws"_L1)
        text.prepend("ws://"_L1);
    if (url.path() != "/ws"_L1)
        text.append(url.path());
    return text;
}

} // namespace confab::client::serverAddress
