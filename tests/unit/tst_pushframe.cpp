// A push framed once for many connections: every length encoding, text beyond ASCII. That
// clients read it whole is tst_websocketconnection's part.
#include "hub/PushFrame.h"

#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;

namespace {

// Text of exactly `bytes` UTF-8 bytes, with two- and three-byte characters in it.
QString textOfUtf8Size(qsizetype bytes)
{
    const QString pieces[] = { u"é"_s, u"€"_s, u"a"_s };
    QString text;
    qsizetype size = 0;
    for (qsizetype i = 0; size < bytes; ++i) {
        const QString &piece = pieces[i % 3];
        const qsizetype pieceBytes = piece.toUtf8().size();
        if (size + pieceBytes > bytes) {
            text += u'a';
            size += 1;
            continue;
        }
        text += piece;
        size += pieceBytes;
    }
    return text;
}

} // namespace

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
    const QString text = textOfUtf8Size(payloadBytes);
    const PushFrame frame(text);
    QCOMPARE(frame.bytes().size(), header.size() + payloadBytes);
    QCOMPARE(frame.bytes().left(header.size()).toHex(), header.toHex());
    QCOMPARE(frame.bytes().mid(header.size()), text.toUtf8());
}

QTEST_MAIN(TestPushFrame)
#include "tst_pushframe.moc"
