// Restarts under traffic: PostgreSQL itself, and every node in turn, while users connected
// through HAProxy keep sending. Whatever was acknowledged reaches every member once, in
// sequence order, and a send that failed or went unanswered is stored once when sent again.

#include "HaProxy.h"
#include "HttpsGet.h"
#include "PostgresServer.h"
#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "TestDatabase.h"
#include "Wait.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QMap>
#include <QSet>
#include <QtTest>

#include <functional>
#include <limits>
#include <memory>

namespace confab::test {

using namespace Qt::StringLiterals;
namespace op = protocol::op;
namespace push = protocol::push;

namespace {

const QString kPassword = u"correct horse battery staple"_s;
// HAProxy marks a node down after two failed checks 300 ms apart; the drain outlasts that.
const QString kConfig = u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"
                        u"[security]\nscrypt_log2_n=14\n"
                        u"[server]\ndrain_delay_ms=1500\n"_s;
constexpr int kNodes = 3;
constexpr int kWriters = 3;
// Each user sends until the disruption is over, and this many messages more.
constexpr int kTail = 20;
constexpr int kWindow = 8;
// A client's pause before it sends again after an error or connects again after a refusal,
// as the real client's backoff does.
constexpr std::chrono::milliseconds kBackoff { 200 };
constexpr int kConnectAttempts = 100;

// One user connected through HAProxy: a member of the room who also sends to it, with a
// window of unacknowledged sends. Like the real client, it resends with the same client_id
// what failed or went unanswered, connects again after a lost connection, resumes its
// session and syncs what it missed, and keeps one timeline with each seq once.
class User
{
public:
    User(const HaProxy &proxy, QSslCertificate certificate)
        : m_url(proxy.url())
        , m_certificate(std::move(certificate))
    { }

    bool signUp(const QString &name, QString *error)
    {
        m_name = name;
        const bool signedUp
            = connectWithRetries([&] { return m_client->registerUser(name, kPassword); }, error);
        m_token = m_client->token();
        return signedUp;
    }

    TestClient &client() { return *m_client; }
    void setRoom(qint64 room) { m_room = room; }

    // From now on, kTail more new messages and no others.
    void finishSoon() { m_quota = m_made + kTail; }

    // Keeps the window full: first what must go again, then new messages up to the quota.
    void fill()
    {
        while (m_inFlight.size() < kWindow && (!m_again.isEmpty() || m_made < m_quota)) {
            QString clientId;
            if (!m_again.isEmpty()) {
                clientId = m_again.takeFirst();
                ++m_resent;
            } else {
                clientId = TestClient::newClientId();
                m_texts.insert(clientId, u"%1 says %2"_s.arg(m_client->userName()).arg(++m_made));
            }
            m_inFlight.append({ m_client->post(op::Send,
                                               { { "room"_L1, m_room },
                                                 { "client_id"_L1, clientId },
                                                 { "text"_L1, m_texts.value(clientId) } }),
                                clientId });
        }
    }

    bool isDone() const { return m_inFlight.isEmpty() && m_again.isEmpty() && m_made == m_quota; }

    // Waits for the oldest send's reply. Empty when the step went as a client expects it to
    // (success, a failure to send again, a lost connection); otherwise what went wrong.
    QString step()
    {
        if (m_inFlight.isEmpty())
            return {};
        const auto [id, clientId] = m_inFlight.first();
        const Reply reply = m_client->waitForReply(id);
        if (reply.isOk()) {
            m_inFlight.removeFirst();
            const qint64 seq = reply.result().value("seq"_L1).toInteger();
            if (m_acknowledged.contains(clientId) && m_acknowledged.value(clientId) != seq)
                return u"%1 was acknowledged as seq %2 and again as seq %3"_s.arg(clientId)
                    .arg(m_acknowledged.value(clientId))
                    .arg(seq);
            m_acknowledged.insert(clientId, seq);
            return {};
        }
        if (reply.received()) {
            // What a database outage gives a send: nothing changed, try again.
            if (!reply.isError("internal_error"_L1))
                return QString::fromUtf8("unexpected reply: " + reply.describe());
            m_inFlight.removeFirst();
            m_again.append(clientId);
            m_sawError = true;
            ++m_errors;
            return {};
        }
        if (m_client->isConnected())
            return QString::fromUtf8("no reply: " + reply.describe());
        return reconnect();
    }

    bool takeSawError() { return std::exchange(m_sawError, false); }

    // Through HAProxy to whichever node is up, then resume and sync, as after a restart of
    // the node the user was on.
    QString reconnect()
    {
        take();
        for (const auto &[id, clientId] : std::as_const(m_inFlight))
            m_again.append(clientId);
        m_inFlight.clear();
        ++m_reconnects;
        QString error;
        if (!connectWithRetries([&] { return m_client->resume(m_token); }, &error))
            return u"%1 could not connect again: %2"_s.arg(m_name, error);
        return sync();
    }

    // Moves the pushes received so far into the timeline; on one connection they must come
    // one after the other, each seq once.
    void take()
    {
        if (!m_client)
            return;
        for (const QJsonObject &event : m_client->takePushes(push::Event)) {
            if (event.value("room"_L1).toInteger() != m_room)
                continue;
            const qint64 seq = event.value("seq"_L1).toInteger();
            if (m_lastPushed != 0 && seq != m_lastPushed + 1 && m_problem.isEmpty())
                m_problem = u"%1 got seq %2 pushed after seq %3 on one connection"_s.arg(m_name)
                                .arg(seq)
                                .arg(m_lastPushed);
            m_lastPushed = seq;
            record(event);
        }
    }

    qsizetype contiguous() const
    {
        qsizetype count = 0;
        while (m_timeline.contains(count + 1))
            ++count;
        return count;
    }

    // Empty when the timeline is seq 1..count, each event the one its sender was acknowledged
    // for; otherwise what differs.
    QString timelineProblem(qsizetype count, const QHash<QString, qint64> &acknowledged,
                            const QHash<QString, QString> &texts) const
    {
        if (!m_problem.isEmpty())
            return m_problem;
        if (m_timeline.size() != count || contiguous() != count)
            return u"%1 has %2 events, seq 1 to %3 without a gap, of %4"_s.arg(m_name)
                .arg(m_timeline.size())
                .arg(contiguous())
                .arg(count);
        for (const QJsonObject &event : m_timeline) {
            const QString clientId = event.value("client_id"_L1).toString();
            const qint64 seq = event.value("seq"_L1).toInteger();
            if (acknowledged.value(clientId) != seq)
                return u"%1 has %2 at seq %3, acknowledged as seq %4"_s.arg(m_name, clientId)
                    .arg(seq)
                    .arg(acknowledged.value(clientId));
            if (event.value("text"_L1).toString() != texts.value(clientId))
                return u"%1 has another text at seq %2"_s.arg(m_name).arg(seq);
        }
        return {};
    }

    const QHash<QString, qint64> &acknowledged() const { return m_acknowledged; }
    const QHash<QString, QString> &texts() const { return m_texts; }
    int errors() const { return m_errors; }
    int resent() const { return m_resent; }
    int reconnects() const { return m_reconnects; }

private:
    // Until HAProxy has marked a stopped node down, or a restarted one up, a connection may
    // go nowhere or be refused; the client tries again after a pause.
    bool connectWithRetries(const std::function<Reply()> &signIn, QString *error)
    {
        for (int attempt = 1;; ++attempt) {
            m_client = std::make_unique<TestClient>(m_url, m_certificate);
            m_lastPushed = 0;
            if (m_client->connectToServer()) {
                const Reply reply = signIn();
                if (reply.isOk())
                    return true;
                *error = QString::fromUtf8(reply.describe());
            } else {
                *error = m_client->errorString();
            }
            if (attempt == kConnectAttempts)
                return false;
            runEventLoopFor(kBackoff);
        }
    }

    QString sync()
    {
        for (;;) {
            const qint64 since = contiguous();
            const Reply reply = m_client->request(
                op::Sync, { { "since"_L1, QJsonObject { { QString::number(m_room), since } } } });
            if (!reply.isOk())
                return QString::fromUtf8("sync failed: " + reply.describe());
            const QJsonObject room = reply.result().value("rooms"_L1).toArray().first().toObject();
            qint64 expected = since + 1;
            for (const QJsonValue &value : room.value("events"_L1).toArray()) {
                const QJsonObject event = value.toObject();
                if (event.value("seq"_L1).toInteger() != expected++)
                    return u"sync since %1 answered seq %2"_s.arg(since).arg(
                        event.value("seq"_L1).toInteger());
                record(event);
            }
            if (!room.value("has_more"_L1).toBool())
                return {};
        }
    }

    // The client keeps one event per seq; a second copy (a push that overlapped the sync)
    // must be the same event.
    void record(const QJsonObject &event)
    {
        const qint64 seq = event.value("seq"_L1).toInteger();
        const auto known = m_timeline.constFind(seq);
        if (known == m_timeline.cend()) {
            m_timeline.insert(seq, event);
        } else if (known->value("client_id"_L1) != event.value("client_id"_L1)
                   && m_problem.isEmpty()) {
            m_problem = u"%1 got two different events with seq %2"_s.arg(m_name).arg(seq);
        }
    }

    QUrl m_url;
    QSslCertificate m_certificate;
    std::unique_ptr<TestClient> m_client;
    QString m_name;
    QString m_token;
    qint64 m_room = 0;

    QList<std::pair<QJsonValue, QString>> m_inFlight; // request id, client_id; oldest first
    QStringList m_again; // client_ids to send again
    QHash<QString, QString> m_texts; // client_id -> text
    QHash<QString, qint64> m_acknowledged; // client_id -> seq
    int m_made = 0;
    int m_quota = std::numeric_limits<int>::max();
    int m_errors = 0;
    int m_resent = 0;
    int m_reconnects = 0;
    bool m_sawError = false;

    QMap<qint64, QJsonObject> m_timeline; // seq -> event
    qint64 m_lastPushed = 0; // on the current connection
    QString m_problem;
};

} // namespace

class tst_ClusterRestarts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void postgresRestartLosesNoMessage();
    void rollingRestartLosesNoMessage();

private:
    // Signs up kWriters users through HAProxy in one new room; empty after a failure.
    QList<std::shared_ptr<User>> usersInRoom(const QString &name);
    // Keeps every user sending until the disruption is over and each had kTail more messages
    // acknowledged; between rounds, disrupt() starts or advances the disruption and says
    // whether it is over.
    // Records a failure and returns false when something went wrong.
    bool sendUntilDone(const QList<std::shared_ptr<User>> &users,
                       const std::function<bool()> &disrupt);
    void verifyEveryMemberSawEveryMessageOnce(const QList<std::shared_ptr<User>> &users);

    std::unique_ptr<PostgresServer> m_postgres;
    std::shared_ptr<TestDatabase> m_database;
    QList<std::shared_ptr<ServerProcess>> m_nodes;
    std::unique_ptr<HaProxy> m_proxy;
    int m_userCount = 0;
};

void tst_ClusterRestarts::initTestCase()
{
    // The suite's PostgreSQL serves every other test at the same time; this one is restarted.
    m_postgres = std::make_unique<PostgresServer>();
    QVERIFY2(m_postgres->start(), qPrintable(m_postgres->errorString()));
    QString error;
    m_database = TestDatabase::createPostgres(m_postgres->adminUrl(), &error);
    QVERIFY2(m_database, qPrintable(error));
    for (int i = 0; i < kNodes; ++i) {
        auto node = std::make_shared<ServerProcess>(
            kConfig, QStringList { u"--node-id"_s, u"node%1"_s.arg(i + 1) });
        node->keepPortAcrossRestarts();
        if (i == 0)
            node->useDatabase(m_database);
        else
            QVERIFY2(node->joinClusterOf(*m_nodes.first()), qPrintable(node->errorString()));
        QVERIFY2(node->start(), qPrintable(node->errorString()));
        m_nodes.append(node);
    }
    QList<quint16> ports;
    for (const auto &node : std::as_const(m_nodes))
        ports.append(node->port());
    m_proxy = std::make_unique<HaProxy>();
    QVERIFY2(m_proxy->start(ports), qPrintable(m_proxy->errorString()));
}

void tst_ClusterRestarts::cleanup()
{
    if (QTest::currentTestFailed()) {
        for (const auto &node : std::as_const(m_nodes))
            node->printDiagnostics();
        if (m_proxy)
            m_proxy->printDiagnostics();
        if (m_postgres)
            m_postgres->printDiagnostics();
    }
}

void tst_ClusterRestarts::cleanupTestCase()
{
    if (m_proxy)
        QVERIFY2(m_proxy->stop(), qPrintable(m_proxy->errorString()));
    for (const auto &node : std::as_const(m_nodes))
        QVERIFY2(node->stop(), qPrintable(node->errorString()));
    m_nodes.clear();
    m_database.reset();
    if (m_postgres)
        QVERIFY2(m_postgres->stop(), qPrintable(m_postgres->errorString()));
}

QList<std::shared_ptr<User>> tst_ClusterRestarts::usersInRoom(const QString &name)
{
    QList<std::shared_ptr<User>> users;
    // Round robin puts consecutive connections on different nodes.
    for (int i = 0; i < kWriters; ++i) {
        auto user = std::make_shared<User>(*m_proxy, m_nodes.first()->certificate());
        QString error;
        if (!user->signUp(u"user%1"_s.arg(++m_userCount), &error)) {
            QTest::qFail(qPrintable(error), __FILE__, __LINE__);
            return {};
        }
        users.append(user);
    }
    const Reply created = users.first()->client().request(op::CreateRoom, { { "name"_L1, name } });
    if (!created.isOk()) {
        QTest::qFail(created.describe().constData(), __FILE__, __LINE__);
        return {};
    }
    for (const auto &user : std::as_const(users)) {
        if (user != users.first()) {
            const Reply joined
                = user->client().request(op::Join, { { "room"_L1, created.roomId() } });
            if (!joined.isOk()) {
                QTest::qFail(joined.describe().constData(), __FILE__, __LINE__);
                return {};
            }
        }
        user->setRoom(created.roomId());
    }
    return users;
}

bool tst_ClusterRestarts::sendUntilDone(const QList<std::shared_ptr<User>> &users,
                                        const std::function<bool()> &disrupt)
{
    bool disrupted = false;
    for (;;) {
        bool done = true;
        bool sawError = false;
        for (const auto &user : users) {
            user->fill();
            if (const QString problem = user->step(); !problem.isEmpty()) {
                QTest::qFail(qPrintable(problem), __FILE__, __LINE__);
                return false;
            }
            user->take();
            done = done && user->isDone();
            sawError = user->takeSawError() || sawError;
        }
        if (!disrupted) {
            disrupted = disrupt();
            if (QTest::currentTestFailed())
                return false;
            if (disrupted) {
                for (const auto &user : users)
                    user->finishSoon();
            }
        } else if (done) {
            return true;
        }
        if (sawError)
            runEventLoopFor(kBackoff);
    }
}

void tst_ClusterRestarts::verifyEveryMemberSawEveryMessageOnce(
    const QList<std::shared_ptr<User>> &users)
{
    QHash<QString, qint64> acknowledged;
    QHash<QString, QString> texts;
    int errors = 0, resent = 0, reconnects = 0;
    for (const auto &user : users) {
        acknowledged.insert(user->acknowledged());
        texts.insert(user->texts());
        errors += user->errors();
        resent += user->resent();
        reconnects += user->reconnects();
    }
    qsizetype count = 0;
    for (const auto &user : users)
        count += user->texts().size();
    QCOMPARE(acknowledged.size(), count);
    // Distinct seqs: no message was stored twice under two numbers.
    QCOMPARE(QSet<qint64>(acknowledged.cbegin(), acknowledged.cend()).size(), count);
    qInfo("%d sends failed, %d were sent again, %d reconnections", errors, resent, reconnects);

    for (const auto &user : users) {
        QVERIFY2(waitUntil(
                     [&] {
                         user->take();
                         return user->contiguous() >= count;
                     },
                     TestClient::kTimeout),
                 qPrintable(user->timelineProblem(count, acknowledged, texts)));
        const QString problem = user->timelineProblem(count, acknowledged, texts);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

void tst_ClusterRestarts::postgresRestartLosesNoMessage()
{
    const auto users = usersInRoom(u"database restart"_s);
    QVERIFY(!users.isEmpty());

    enum class Phase { Before, Restarting, After } phase = Phase::Before;
    qsizetype ackedAtRestart = 0;
    qsizetype ackedWhenBack = 0;
    auto acked = [&] {
        qsizetype total = 0;
        for (const auto &user : users)
            total += user->acknowledged().size();
        return total;
    };
    const bool finished = sendUntilDone(users, [&] {
        switch (phase) {
        case Phase::Before:
            if (acked() >= kWriters * kTail) {
                ackedAtRestart = acked();
                m_postgres->beginRestart();
                phase = Phase::Restarting;
            }
            return false;
        case Phase::Restarting:
            if (m_postgres->hasFailed())
                QTest::qFail(qPrintable(m_postgres->errorString()), __FILE__, __LINE__);
            if (!m_postgres->isReady())
                return false;
            ackedWhenBack = acked();
            phase = Phase::After;
            return true;
        case Phase::After:
            break;
        }
        return true;
    });
    QVERIFY(finished);
    qInfo("PostgreSQL restarted after %lld acknowledged sends, back after %lld",
          qint64(ackedAtRestart), qint64(ackedWhenBack));
    QVERIFY2(acked() > ackedWhenBack, "no message was sent after the restart");
    verifyEveryMemberSawEveryMessageOnce(users);
    for (const auto &node : std::as_const(m_nodes))
        QVERIFY2(waitUntil([&] { return httpsGet(*node, u"/readyz"_s).status == 200; },
                           TestClient::kTimeout),
                 "a node did not report ready again after PostgreSQL came back");
}

void tst_ClusterRestarts::rollingRestartLosesNoMessage()
{
    const auto users = usersInRoom(u"rolling restart"_s);
    QVERIFY(!users.isEmpty());

    // Each node in turn: SIGTERM, its drain while traffic goes on, its exit, a start on the
    // same port, and /readyz before the next one.
    int node = 0;
    bool terminated = false;
    qsizetype ackedAtLast = 0;
    const bool finished = sendUntilDone(users, [&] {
        if (node == kNodes)
            return true;
        qsizetype acked = 0;
        for (const auto &user : users)
            acked += user->acknowledged().size();
        ServerProcess &current = *m_nodes.at(node);
        if (!terminated) {
            // Some traffic between two restarts, so none starts on a quiet cluster.
            if (acked < ackedAtLast + kWriters * kWindow)
                return false;
            current.terminate();
            terminated = true;
            return false;
        }
        if (current.isRunning())
            return false;
        [&] {
            QVERIFY2(current.stop(), qPrintable(current.errorString()));
            QVERIFY2(current.start(), qPrintable(current.errorString()));
            QVERIFY2(waitUntil([&] { return httpsGet(current, u"/readyz"_s).status == 200; },
                               TestClient::kTimeout),
                     "a restarted node did not report ready");
        }();
        terminated = false;
        ackedAtLast = acked;
        return ++node == kNodes;
    });
    QVERIFY(finished);
    int reconnects = 0;
    for (const auto &user : users)
        reconnects += user->reconnects();
    // Every node was restarted under them, so every user was moved at least once.
    QVERIFY(reconnects >= kWriters);
    verifyEveryMemberSawEveryMessageOnce(users);
}

} // namespace confab::test

QTEST_GUILESS_MAIN(confab::test::tst_ClusterRestarts)
#include "tst_cluster_restarts.moc"
