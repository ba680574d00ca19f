// A push framed once for many connections: every length encoding. That clients read it whole
// is tst_websocketconnection's part.
#include "presence/PushFrame.h"

#include <QTest>

using namespace confab::server;

class TestPushFrame : public QObject
{
    Q_OBJECT

private slots:
    void headerCarriesTheLength_data();
    void headerCarriesTheLength();
};

void TestPushFrame::headerCarriesTheLength_data()
{
    QTest::addColumn<qsizetype>("payloadBytes");
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("empty") << qsizetype(0) << QByteArray::fromHex("8100");
    QTest::newRow("longest one-byte length") << qsizetype(125) << QByteArray::fromHex("817d");
    QTest::newRow("shortest two-byte length") << qsizetype(126) << QByteArray::fromHex("817e007e");
    QTest::newRow("longest two-byte length") << qsizetype(65535) << QByteArray::fromHex("817effff");
    QTest::newRow("shortest eight-byte length")
        << qsizetype(65536) << QByteArray::fromHex("817f0000000000010000");
}

void TestPushFrame::headerCarriesTheLength()
{
    QFETCH(qsizetype, payloadBytes);
    QFETCH(QByteArray, header);
    const QByteArray utf8(payloadBytes, 'x');
    const PushFrame frame(utf8);
    QCOMPARE(frame.bytes().size(), header.size() + payloadBytes);
    QCOMPARE(frame.bytes().left(header.size()).toHex(), header.toHex());
    QCOMPARE(frame.bytes().mid(header.size()), utf8);
}

QTEST_MAIN(TestPushFrame)
#include "tst_pushframe.moc"
