#include "config/ServerConfig.h"

namespace confab::server {

using namespace Qt::StringLiterals;

QString ServerConfig::listenEndpoint() const
{
    QString host;
    if (listenAddress == QHostAddress::Any)
        host = u"*"_s;
    else if (listenAddress.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + listenAddress.toString() + u']';
    else
        host = listenAddress.toString();
    return host + u':' + QString::number(listenPort);
}

} // namespace confab::server
