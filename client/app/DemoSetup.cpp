#include "DemoSetup.h"

#include "net/ErrorText.h"
#include "net/Session.h"
#include "protocol/Messages.h"

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

const QString kWelcome = u"Welcome to Confab"_s;
const QString kPlanning = u"Launch planning"_s;

} // namespace

DemoSetup::DemoSetup(QUrl server, CertificatePins *pins, QString trustedFingerprint,
                     QObject *parent)
    : QObject(parent)
    , m_server(std::move(server))
    , m_pins(pins)
    , m_trustedFingerprint(std::move(trustedFingerprint))
{ }

DemoSetup::~DemoSetup()
{
    for (auto *session : std::as_const(m_sessions))
        session->disconnectFromServer();
}

Session *DemoSetup::sessionFor(const QString &userName)
{
    if (auto *session = m_sessions.value(userName))
        return session;
    auto *session = new Session(m_pins, this);
    if (!m_trustedFingerprint.isEmpty())
        session->trustFingerprint(m_server.host(), quint16(m_server.port()), m_trustedFingerprint);
    m_sessions.insert(userName, session);
    return session;
}

void DemoSetup::fail(const QString &error)
{
    if (std::exchange(m_done, true))
        return;
    emit finished(false, error);
}

void DemoSetup::signIn(const QString &userName, const Step &next)
{
    // Register; when the name is taken (an earlier demo), sign in instead.
    Session *session = sessionFor(userName);
    auto attempt = std::make_shared<int>(0);
    connect(
        session, &Session::signedIn, this, [next] { next(); }, Qt::SingleShotConnection);
    connect(session, &Session::signInFailed, this,
            [this, session, userName, attempt](const QString &error) {
                if (++*attempt == 1)
                    session->signIn(m_server, userName, kPassword);
                else
                    fail(tr("The demo account %1 cannot sign in: %2").arg(userName, error));
            });
    connect(session, &Session::certificateQuestionChanged, this, [this, session] {
        if (session->certificateQuestion())
            fail(tr("The server's certificate is not the one given with --trust-fingerprint."));
    });
    session->registerAccount(m_server, userName, kPassword);
}

void DemoSetup::findOrCreateRoom(const QString &name, const QString &topic, bool isPrivate,
                                 const std::function<void(qint64, bool)> &next)
{
    Session *ada = sessionFor(u"ada"_s);
    ada->request(
        protocol::MyRoomsRequest {}, this,
        [=, this](const TypedReply<protocol::MyRoomsReply> &reply) {
            if (!reply.ok())
                return fail(errorText(reply.error));
            for (const auto &joined : reply.value.rooms) {
                if (joined.room.name == name)
                    return next(joined.room.id, false);
            }
            const protocol::CreateRoomRequest create { name, topic,
                                                       isPrivate ? protocol::Visibility::Private
                                                                 : protocol::Visibility::Public };
            ada->request(create, this, [=, this](const TypedReply<protocol::RoomReply> &created) {
                if (!created.ok())
                    return fail(errorText(created.error));
                next(created.value.room.id, true);
            });
        });
}

void DemoSetup::join(const QString &userName, qint64 roomId, const Step &next)
{
    sessionFor(userName)->request(protocol::JoinRequest { roomId }, this,
                                  [this, next](const TypedReply<protocol::RoomReply> &reply) {
                                      if (!reply.ok())
                                          return fail(errorText(reply.error));
                                      next();
                                  });
}

void DemoSetup::post(const QList<std::pair<QString, QString>> &lines, qint64 roomId,
                     const Step &next)
{
    if (lines.isEmpty())
        return next();
    const auto [userName, text] = lines.first();
    const auto rest = lines.mid(1);
    sessionFor(userName)->request(
        protocol::SendRequest { roomId, u"demo-%1-%2"_s.arg(roomId).arg(lines.size()), text }, this,
        [=, this](const TypedReply<protocol::AppendReply> &reply) {
            if (!reply.ok())
                return fail(errorText(reply.error));
            post(rest, roomId, next);
        });
}

void DemoSetup::run()
{
    const QList<std::pair<QString, QString>> welcome {
        { u"ada"_s, u"Hello and welcome to Confab!"_s },
        { u"ada"_s,
          u"This is a self-hosted chat server: every message stays on your own machine."_s },
        { u"grace"_s,
          u"Hi! Try sending a message below. Enter sends, Shift+Enter starts a new line."_s },
        { u"grace"_s,
          u"Press ↑ in an empty composer to edit your last message, and Ctrl+K to jump "
          "between rooms."_s },
        { u"demo"_s, u"Thanks, this looks great."_s },
        { u"ada"_s, u"Links work too: https://www.qt.io/ and <b>markup</b> stays plain text."_s },
        { u"grace"_s,
          u"Messages you send while offline wait in the outbox and go out as soon as "
          "the server is back."_s },
    };
    const QList<std::pair<QString, QString>> planning {
        { u"ada"_s, u"Agenda for Thursday:\n1. Release notes\n2. Packaging\n3. Documentation"_s },
        { u"demo"_s, u"I can take the packaging."_s },
    };
    // The planning room first, so that the welcome room has the newest message and is the
    // one the client opens.
    const auto finish = [this] {
        if (!std::exchange(m_done, true))
            emit finished(true, {});
    };
    const auto welcomeRoom = [=, this] {
        findOrCreateRoom(kWelcome, u"Say hello and try things out"_s, false,
                         [=, this](qint64 roomId, bool created) {
                             join(u"grace"_s, roomId, [=, this] {
                                 join(kUserName, roomId, [=, this] {
                                     post(created ? welcome : decltype(welcome) {}, roomId, finish);
                                 });
                             });
                         });
    };
    const auto planningRoom = [=, this] {
        findOrCreateRoom(
            kPlanning, u"The next release"_s, true, [=, this](qint64 roomId, bool created) {
                // Already a member after an earlier run: the refusal is expected.
                sessionFor(u"ada"_s)->request(
                    protocol::InviteRequest { roomId, kUserName }, this,
                    [=, this](const TypedReply<protocol::EmptyReply> &) {
                        join(kUserName, roomId, [=, this] {
                            post(created ? planning : decltype(planning) {}, roomId, welcomeRoom);
                        });
                    });
            });
    };
    signIn(u"ada"_s,
           [=, this] { signIn(u"grace"_s, [=, this] { signIn(kUserName, planningRoom); }); });
}

} // namespace confab::client
