#include "HttpsGet.h"

#include "Pinning.h"
#include "ServerProcess.h"
#include "Wait.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;

HttpResponse httpsGet(const ServerProcess &server, const QString &path)
{
    constexpr std::chrono::milliseconds kTimeout { 30'000 };
    QNetworkAccessManager manager;
    const QUrl url = server.httpsUrl(path);
    QNetworkRequest request(url);
    request.setTransferTimeout(int(kTimeout.count()));
    std::unique_ptr<QNetworkReply> reply(manager.get(request));
    reply->ignoreSslErrors(expectedSslErrors(server.certificate(), url.host()));

    HttpResponse response;
    if (!waitUntil([&] { return reply->isFinished(); }, kTimeout)) {
        response.error
            = u"No response to GET %1 within %2 ms."_s.arg(url.toString()).arg(kTimeout.count());
        return response;
    }
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError)
        response.error = reply->errorString();
    return response;
}

} // namespace confab::test
