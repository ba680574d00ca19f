// The demonstration that scripts/run.sh opens: prepared on a real server through the ordinary
// protocol, with the certificate approved by the fingerprint confabd printed, and the same
// again on a second run.

#include "Reply.h"
#include "ServerProcess.h"
#include "TestClient.h"
#include "app/DemoSetup.h"
#include "net/CertificatePins.h"
#include "protocol/Operations.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using client::DemoSetup;
namespace op = protocol::op;

class tst_Demo : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void preparesAccountsRoomsAndAConversation();
    void aSecondRunChangesNothing();
    void anotherCertificateIsRefused();

private:
    bool runDemo(const QString &fingerprint, QString *error);
    QList<QJsonObject> demoRooms(QString *error);

    std::unique_ptr<test::ServerProcess> m_server;
    QTemporaryDir m_dir;
    std::unique_ptr<client::CertificatePins> m_pins;
};

void tst_Demo::initTestCase()
{
    m_server = std::make_unique<test::ServerProcess>();
    QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    m_pins = std::make_unique<client::CertificatePins>(m_dir.filePath(u"pins.json"_s));
}

void tst_Demo::cleanupTestCase()
{
    if (m_server)
        QVERIFY2(m_server->stop(), qPrintable(m_server->errorString()));
}

bool tst_Demo::runDemo(const QString &fingerprint, QString *error)
{
    DemoSetup demo(m_server->url(), m_pins.get(), fingerprint);
    QSignalSpy finished(&demo, &DemoSetup::finished);
    demo.run();
    if (!finished.wait(60'000)) {
        *error = u"the demo did not finish"_s;
        return false;
    }
    *error = finished.at(0).at(1).toString();
    return finished.at(0).at(0).toBool();
}

QList<QJsonObject> tst_Demo::demoRooms(QString *error)
{
    test::TestClient demo(*m_server);
    if (!demo.connectToServer()) {
        *error = demo.errorString();
        return {};
    }
    const test::Reply login = demo.login(DemoSetup::kUserName, DemoSetup::kPassword);
    if (!login.isOk()) {
        *error = QString::fromUtf8(login.describe());
        return {};
    }
    QList<QJsonObject> rooms;
    const auto entries = demo.request(op::MyRooms).result().value("rooms"_L1).toArray();
    for (const auto &entry : entries) {
        QJsonObject room = entry.toObject();
        QString historyError;
        room.insert("messages"_L1,
                    int(demo.wholeHistory(room.value("id"_L1).toInteger(), &historyError).size()));
        rooms.append(room);
    }
    return rooms;
}

void tst_Demo::preparesAccountsRoomsAndAConversation()
{
    QString error;
    QVERIFY2(runDemo(m_server->printedFingerprint(), &error), qPrintable(error));
    QCOMPARE(m_pins->find(u"127.0.0.1"_s, m_server->port())->fingerprint(),
             m_server->printedFingerprint());
    const auto rooms = demoRooms(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(rooms.size(), 2);
    QStringList names;
    for (const auto &room : rooms)
        names.append(room.value("name"_L1).toString());
    names.sort();
    QCOMPARE(names, (QStringList { u"Launch planning"_s, u"Welcome to Confab"_s }));
    for (const auto &room : rooms)
        QVERIFY2(room.value("messages"_L1).toInt() >= 2,
                 qPrintable(room.value("name"_L1).toString()));
}

void tst_Demo::aSecondRunChangesNothing()
{
    QString error;
    const auto before = demoRooms(&error);
    QVERIFY2(runDemo(m_server->printedFingerprint(), &error), qPrintable(error));
    const auto after = demoRooms(&error);
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < after.size(); ++i)
        QCOMPARE(after.at(i).value("messages"_L1), before.at(i).value("messages"_L1));
}

void tst_Demo::anotherCertificateIsRefused()
{
    QVERIFY(m_pins->forget(u"127.0.0.1"_s, m_server->port()));
    QString error;
    const QString wrong = u"00:"_s.repeated(31) + u"00"_s;
    QVERIFY(!runDemo(wrong, &error));
    QVERIFY2(error.contains(u"certificate"_s), qPrintable(error));
    QVERIFY(!m_pins->find(u"127.0.0.1"_s, m_server->port()));
}

QTEST_GUILESS_MAIN(tst_Demo)
#include "tst_demo.moc"
