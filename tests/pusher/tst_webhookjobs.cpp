// The persistent webhook queue against a real database: SQLite, or the PostgreSQL of the test
// run, as CONFAB_TEST_BACKEND says.
#include "TestDatabase.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/WebhookJobStore.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <latch>

using namespace Qt::StringLiterals;
using namespace confab::server;

class TestWebhookJobs : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QString error;
        m_testDatabase = confab::test::TestDatabase::create(m_dir->path(), &error);
        QVERIFY2(m_testDatabase, qPrintable(error));
        const auto url = DatabaseUrl::parse(m_testDatabase->url(), &error);
        QVERIFY2(url, qPrintable(error));
        m_db = std::make_unique<Database>(*url, u"tst_webhookjobs"_s);
        QVERIFY2(m_db->open(&error), qPrintable(error));
        QVERIFY2(Migrations::apply(*m_db, &error), qPrintable(error));
        m_jobs = std::make_unique<WebhookJobStore>(*m_db);
    }

    void cleanup()
    {
        m_jobs.reset();
        m_db.reset();
        m_testDatabase.reset();
        m_dir.reset();
    }

    void jobsWaitSoonestFirstUntilRemoved()
    {
        const auto later
            = m_jobs->enqueue({ 0, u"1"_s, u"http://a/"_s, u"{\"n\":2}"_s, 0, 2000, 9000 }, 1);
        const auto sooner
            = m_jobs->enqueue({ 0, u"1"_s, u"http://b/"_s, u"{\"n\":1}"_s, 0, 1000, 9000 }, 1);
        QVERIFY(later && sooner);
        QVERIFY(later->id != sooner->id);

        auto pending = m_jobs->pending();
        QVERIFY(pending);
        QCOMPARE(pending->size(), 2);
        QCOMPARE(pending->at(0).id, sooner->id);
        QCOMPARE(pending->at(0).url, u"http://b/"_s);
        QCOMPARE(pending->at(0).body, u"{\"n\":1}"_s);
        QCOMPARE(pending->at(0).giveUpAfter, 9000);

        QVERIFY(m_jobs->reschedule(sooner->id, 3, 5000));
        pending = m_jobs->pending();
        QCOMPARE(pending->at(0).id, later->id);
        QCOMPARE(pending->at(1).attempts, 3);
        QCOMPARE(pending->at(1).nextAttemptAt, 5000);

        QVERIFY(m_jobs->remove(later->id));
        QVERIFY(m_jobs->remove(sooner->id));
        QVERIFY(m_jobs->pending()->isEmpty());
    }

    void aClaimedJobWaitsForItsLeaseToEnd()
    {
        const auto job = m_jobs->enqueue({ 0, u"1"_s, u"http://a/"_s, u"{}"_s, 0, 1000, 9000 }, 1);
        const auto notYet
            = m_jobs->enqueue({ 0, u"1"_s, u"http://b/"_s, u"{}"_s, 0, 5000, 9000 }, 1);
        QVERIFY(job && notYet);

        auto claimed = m_jobs->claimDue(1000, 4000, 10);
        QVERIFY(claimed);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->at(0).id, job->id);
        QCOMPARE(claimed->at(0).url, u"http://a/"_s);
        QCOMPARE(claimed->at(0).nextAttemptAt, 4000);
        QVERIFY(m_jobs->claimDue(3999, 9000, 10)->isEmpty());

        // The claimer died without removing or rescheduling it: once the lease ran out, the
        // job is due again and goes to whoever claims next, before the later job.
        claimed = m_jobs->claimDue(5000, 8000, 1);
        QVERIFY(claimed);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->at(0).id, job->id);
        claimed = m_jobs->claimDue(5000, 8000, 10);
        QCOMPARE(claimed->size(), 1);
        QCOMPARE(claimed->at(0).id, notYet->id);
    }

    // Two nodes on one PostgreSQL database poll the queue at the same moment: every job is
    // delivered by one of them, never by both.
    void twoNodesClaimEveryJobOnce()
    {
        if (m_db->dialect() != Dialect::Postgres)
            QSKIP("SQLite runs a single node");
        constexpr int kJobs = 600;
        constexpr int kBatch = 7;
        QSet<qint64> enqueued;
        for (int i = 0; i < kJobs; ++i) {
            const auto job = m_jobs->enqueue(
                { 0, u"1"_s, u"http://a/"_s, u"{\"n\":%1}"_s.arg(i), 0, 1000, 999'999 }, 1);
            QVERIFY(job);
            enqueued.insert(job->id);
        }

        struct Node
        {
            QList<qint64> claimed;
            QString error;
        };
        Node nodes[2];
        std::latch ready(2);
        const QString url = m_testDatabase->url();
        auto run = [&](Node &node, const QString &name) {
            QString error;
            const auto parsed = DatabaseUrl::parse(url, &error);
            Database db(*parsed, name);
            if (!db.open(&error)) {
                node.error = error;
                ready.count_down();
                return;
            }
            WebhookJobStore jobs(db);
            ready.arrive_and_wait();
            for (;;) {
                const auto batch = jobs.claimDue(2000, 60'000, kBatch);
                if (!batch) {
                    node.error = batch.error().message;
                    return;
                }
                if (batch->isEmpty())
                    return;
                for (const WebhookJob &job : batch.value())
                    node.claimed.append(job.id);
            }
        };
        std::unique_ptr<QThread> threads[] = {
            std::unique_ptr<QThread>(QThread::create(run, std::ref(nodes[0]), u"node1"_s)),
            std::unique_ptr<QThread>(QThread::create(run, std::ref(nodes[1]), u"node2"_s)),
        };
        for (auto &thread : threads)
            thread->start();
        for (auto &thread : threads)
            QVERIFY(thread->wait(std::chrono::milliseconds(60'000)));
        for (const Node &node : nodes)
            QVERIFY2(node.error.isEmpty(), qPrintable(node.error));

        QList<qint64> all = nodes[0].claimed + nodes[1].claimed;
        QCOMPARE(all.size(), kJobs);
        QCOMPARE(QSet<qint64>(all.cbegin(), all.cend()), enqueued);
        qInfo("node1 claimed %lld jobs, node2 %lld", qint64(nodes[0].claimed.size()),
              qint64(nodes[1].claimed.size()));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<confab::test::TestDatabase> m_testDatabase;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<WebhookJobStore> m_jobs;
};

QTEST_GUILESS_MAIN(TestWebhookJobs)
#include "tst_webhookjobs.moc"
