// WebSocket frames both ways: the server's push frames read back whole however the bytes
// arrive, client frames masked and read back unmasked, frames a peer may not send refused,
// close reasons cut where a control frame ends; and the hand-written client's upgrade.
#include "SampleText.h"
#include "WebSocketWire.h"
#include "presence/PushFrame.h"

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
    void clientFramesReadBackUnmasked();
    void frameOverTheLimitIsRefused();
    void closeReasonIsCutBetweenCharacters();
    void upgradeAnswerIsChecked();
};

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
    const QString first = sampleText(size);
    const QString second = u"and then another"_s;
    const QByteArray wire
        = server::PushFrame(first.toUtf8()).bytes() + server::PushFrame(second.toUtf8()).bytes();

    FrameReader reader(FrameReader::Sender::Server);
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
    const QByteArray payload = sampleText(size).toLatin1();
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
    FrameReader reader(FrameReader::Sender::Server);
    reader.append(clientFrame(Text, "hello"));
    QVERIFY(!reader.next());
    QCOMPARE(reader.error(), u"the server sent a masked frame"_s);
}

void TestWebSocketWire::clientFramesReadBackUnmasked()
{
    const QByteArray payload = sampleText(70'000).toUtf8();
    const QByteArray wire = clientFrame(Text, payload) + clientFrame(Ping, "p");
    FrameReader reader(FrameReader::Sender::Client);
    reader.append(wire.first(wire.size() - 1));
    const auto text = reader.next();
    QVERIFY(text);
    QCOMPARE(text->payload, payload);
    QVERIFY(!reader.next());
    reader.append(wire.last(1));
    const auto ping = reader.next();
    QVERIFY(ping);
    QCOMPARE(ping->opcode, Ping);
    QCOMPARE(ping->payload, "p");
    QCOMPARE(reader.buffered(), 0);
}

void TestWebSocketWire::frameOverTheLimitIsRefused()
{
    FrameReader reader(FrameReader::Sender::Client, 100);
    reader.append(clientFrame(Text, QByteArray(100, 'a')));
    QVERIFY(reader.next());
    // Refused from its header alone: the payload is not waited for.
    reader.append(clientFrame(Text, QByteArray(101, 'a')).first(8));
    QVERIFY(!reader.next());
    QCOMPARE(reader.errorCode(), TooMuchData);
}

void TestWebSocketWire::closeReasonIsCutBetweenCharacters()
{
    // 123 bytes of reason fit; a two-byte character straddling that is left out whole.
    const QByteArray reason = QByteArray(122, 'a') + "é and more";
    const QByteArray payload = closePayload(GoingAway, reason);
    QCOMPARE(payload.size(), 2 + 122);
    QCOMPARE(payload.first(2), QByteArray::fromHex("03e9"));
    QVERIFY(QByteArrayView(payload).sliced(2).isValidUtf8());
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
