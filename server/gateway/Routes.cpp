#include "Routes.h"

#include "health/Readiness.h"
#include "http/HttpResponse.h"
#include "pusher/PusherConnection.h"
#include "pusher/PusherService.h"
#include "session/ClientSession.h"
#include "session/Services.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace confab::server {

using namespace Qt::StringLiterals;
using Match = HttpRouter::Match;

namespace {

bool isRead(const HttpRequest &request)
{
    return request.method == "GET" || request.method == "HEAD";
}

// /healthz: the process answers.
HttpAnswer health(const HttpRequest &request)
{
    if (!isRead(request))
        return HttpResponse::error(405, "method_not_allowed", "Use GET.");
    return { 200, R"({"status":"ok"})", {} };
}

// /readyz: whether this node should be given traffic (database reachable, bus listening, not
// shutting down).
HttpAnswer readiness(const HttpRequest &request, const Readiness &readiness)
{
    if (!isRead(request))
        return HttpResponse::error(405, "method_not_allowed", "Use GET.");
    QJsonObject checks { { "database"_L1, readiness.databaseReachable() },
                         { "draining"_L1, readiness.draining() } };
    if (readiness.busRequired())
        checks.insert("bus"_L1, readiness.busListening());
    const bool ready = readiness.isReady();
    const QJsonObject body { { "status"_L1, ready ? u"ready"_s : u"not_ready"_s },
                             { "checks"_L1, checks } };
    return { ready ? 200 : 503, QJsonDocument(body).toJson(QJsonDocument::Compact), {} };
}

} // namespace

HttpRouter confabRoutes(Services &services, PusherService *pusher)
{
    HttpRouter router;
    router.addWebSocket("/ws", Match::Exact, [&services](Connection &connection, PushSink &sink) {
        return std::make_unique<ClientSession>(connection, &sink, services);
    });
    router.addHttp("/healthz", Match::Exact,
                   [](const HttpRequest &request, const ReplyTarget &, HttpRespond respond) {
                       respond(health(request));
                   });
    router.addHttp("/readyz", Match::Exact,
                   [&readiness = services.readiness](const HttpRequest &request,
                                                     const ReplyTarget &, HttpRespond respond) {
                       respond(confab::server::readiness(request, readiness));
                   });
    if (!pusher)
        return router;
    router.addWebSocket("/app/", Match::Prefix, [pusher](Connection &connection, PushSink &sink) {
        return std::make_unique<PusherConnection>(connection, &sink, pusher->registry());
    });
    const auto pusherHttp
        = [pusher](const HttpRequest &request, const ReplyTarget &target, HttpRespond respond) {
              pusher->handleHttp(request, target, std::move(respond));
          };
    router.addHttp("/apps/", Match::Prefix, pusherHttp);
    router.addHttp("/pusher/auth", Match::Exact, pusherHttp);
    router.addHttp("/pusher/stats", Match::Exact, pusherHttp);
    return router;
}

} // namespace confab::server
