// The persistent webhook queue against a real database: SQLite, or the PostgreSQL of the test
// run, as CONFAB_TEST_BACKEND says.
#include "TestDatabase.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/WebhookJobStore.h"

#include <QTemporaryDir>
#include <QTest>

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

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<confab::test::TestDatabase> m_testDatabase;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<WebhookJobStore> m_jobs;
};

QTEST_GUILESS_MAIN(TestWebhookJobs)
#include "tst_webhookjobs.moc"
