// The hand-written WebSocket client's wire format, against the server's own encoder: the
// server's push frames read back whole however the bytes arrive, client frames masked and
// unmasking to what was sent, and frames no server may send refused.
#include "WebSocketWire.h"
#include "hub/PushFrame.h"

#include <QTest>

using namespace confab;
using namespace confab::test::websocket;
using namespace Qt::StringLiterals;

class TestWebSocketWire : public QObject
{
    Q_OBJECT

private slots:
    void serverFramesReadBackInAnyPieces_data();
    void serverFramesReadBackInAnyPieces();
    void clientFramesAreMasked_data();
    void clientFramesAreMasked();
    void maskedServerFrameIsRefused();
    void upgradeAnswerIsChecked();
};

namespace {

QString textOf(qsizetype size)
{
    QString text;
    text.reserve(size);
    for (qsizetype i = 0; text.size() < size; ++i)
        text += i % 10 == 9 ? u'é' : QChar(char16_t(u'a' + i % 26));
    return text;
}

} // namespace

void TestWebSocketWire::serverFramesReadBackInAnyPieces_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<qsizetype>("piece");
    // Across each length encoding's limits, in pieces that split the header too (byte by
    // byte only where that stays quick).
    for (const qsizetype size : { 0, 125, 126, 65'535, 65'536, 200'000 })
        for (const qsizetype piece : { 1, 3, 4096, 1 << 20 })
            if (piece >= 4096 || size <= 126)
                QTest::addRow("%lld chars in pieces of %lld", qlonglong(size), qlonglong(piece))
                    << size << piece;
}

void TestWebSocketWire::serverFramesReadBackInAnyPieces()
{
    QFETCH(qsizetype, size);
    QFETCH(qsizetype, piece);
    const QString first = textOf(size);
    const QString second = u"and then another"_s;
    const QByteArray wire = server::PushFrame(first).bytes() + server::PushFrame(second).bytes();

    FrameReader reader;
    QList<Frame> frames;
    for (qsizetype at = 0; at < wire.size(); at += piece) {
        reader.append(wire.mid(at, piece));
        while (const auto frame = reader.next())
            frames.append(*frame);
    }
    QVERIFY2(reader.error().isEmpty(), qPrintable(reader.error()));
    QCOMPARE(frames.size(), 2);
    QCOMPARE(frames.at(0).opcode, Text);
    QVERIFY(frames.at(0).final);
    QCOMPARE(QString::fromUtf8(frames.at(0).payload), first);
    QCOMPARE(QString::fromUtf8(frames.at(1).payload), second);
}

void TestWebSocketWire::clientFramesAreMasked_data()
{
    QTest::addColumn<qsizetype>("size");
    QTest::addColumn<qsizetype>("headerSize"); // with the mask
    QTest::newRow("empty") << qsizetype(0) << qsizetype(6);
    QTest::newRow("125 bytes") << qsizetype(125) << qsizetype(6);
    QTest::newRow("126 bytes") << qsizetype(126) << qsizetype(8);
    QTest::newRow("65,536 bytes") << qsizetype(65'536) << qsizetype(14);
}

void TestWebSocketWire::clientFramesAreMasked()
{
    QFETCH(qsizetype, size);
    QFETCH(qsizetype, headerSize);
    const QByteArray payload = textOf(size).toLatin1();
    const QByteArray frame = clientFrame(Binary, payload);
    QCOMPARE(frame.size(), headerSize + size);
    QCOMPARE(quint8(frame.at(0)), quint8(0x80 | Binary));
    QVERIFY(quint8(frame.at(1)) & 0x80);
    const QByteArray mask = frame.mid(headerSize - 4, 4);
    QByteArray unmasked = frame.mid(headerSize);
    for (qsizetype i = 0; i < unmasked.size(); ++i)
        unmasked[i] = char(unmasked.at(i) ^ mask.at(i % 4));
    QCOMPARE(unmasked, payload);
}

void TestWebSocketWire::maskedServerFrameIsRefused()
{
    FrameReader reader;
    reader.append(clientFrame(Text, "hello"));
    QVERIFY(!reader.next());
    QCOMPARE(reader.error(), u"the server sent a masked frame"_s);
}

void TestWebSocketWire::upgradeAnswerIsChecked()
{
    const QByteArray key = newKey();
    const QByteArray request = upgradeRequest(QUrl(u"wss://127.0.0.1:8443/ws"_s), key, u"mqtt"_s);
    QVERIFY(request.startsWith("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n"));
    QVERIFY(request.contains("\r\nSec-WebSocket-Protocol: mqtt\r\n"));
    QVERIFY(request.endsWith("\r\n\r\n"));

    // RFC 6455's own example key and answer.
    const QByteArray sampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
    const QByteArray answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\n"
                              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    QCOMPARE(upgradeAnswerEnd(answer + "\x81"), answer.size());
    QCOMPARE(upgradeAnswerEnd(answer.first(answer.size() - 1)), -1);
    QVERIFY(upgradeRefusal(answer, sampleKey).isEmpty());
    QVERIFY(upgradeRefusal(answer, key).contains(u"Sec-WebSocket-Accept"_s));
    QVERIFY(upgradeRefusal("HTTP/1.1 403 Forbidden\r\n\r\n", sampleKey).contains(u"403"_s));
}

QTEST_MAIN(TestWebSocketWire)
#include "tst_websocketwire.moc"
