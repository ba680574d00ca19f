#pragma once

#include <QByteArray>
#include <QString>

namespace confab::test {

class ServerProcess;

struct HttpResponse
{
    int status = 0; // 0 when no response came.
    QByteArray body;
    QString error;
};

// GET https://127.0.0.1:<port><path> from the server, with its certificate pinned.
HttpResponse httpsGet(const ServerProcess &server, const QString &path);

} // namespace confab::test
