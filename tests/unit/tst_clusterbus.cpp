// The pure parts of the bus between nodes: what a notification carries, and how a node puts
// each room in sequence order whatever order the announcements arrive in.

#include "cluster/BusPayload.h"
#include "cluster/NodeMessage.h"
#include "cluster/RoomSequencer.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using confab::protocol::Event;
using confab::protocol::EventKind;
using namespace confab::server;

namespace {

Event message(qint64 room, qint64 seq, const QString &text = u"hello"_s)
{
    Event event;
    event.room = room;
    event.seq = seq;
    event.kind = EventKind::Message;
    event.sender = { 7, u"alice"_s };
    event.clientId = u"c-%1-%2"_s.arg(room).arg(seq);
    event.text = text;
    event.timestamp = 1'700'000'000'000 + seq;
    return event;
}

QList<qint64> seqs(const QList<Event> &events)
{
    QList<qint64> result;
    for (const auto &event : events)
        result.append(event.seq);
    return result;
}

// What the database holds: every room's events 1..last.
class FakeTimeline
{
public:
    QHash<qint64, qint64> last;
    int reads = 0;
    bool failing = false;

    RoomSequencer::RangeReader reader()
    {
        return [this](qint64 room, qint64 after, qint64 upTo) -> std::optional<QList<Event>> {
            ++reads;
            if (failing)
                return std::nullopt;
            QList<Event> events;
            for (qint64 seq = after + 1; seq <= std::min(upTo, last.value(room)); ++seq)
                events.append(message(room, seq));
            return events;
        };
    }
};

} // namespace

class tst_ClusterBus : public QObject
{
    Q_OBJECT

private slots:
    void smallBatchTravelsWhole();
    void largeBatchTravelsByReference();
    void manyRoomsSplitOverSeveralNotifications();
    void malformedPayloadsAreRejected();
    void ownPayloadsAreToldByTheirFirstBytes();
    void inOrderEventsPassStraightThrough();
    void gapIsFilledFromTheDatabase();
    void duplicatesAreDropped();
    void referenceIsReadFromTheDatabase();
    void unreadableGapWaitsForRetry();
    void roomsAreIndependent();
    void smallNodeMessageTravelsWhole();
    void largeNodeMessageTravelsInPartsAndIsJoined();
    void nodeMessageWithAMissingPartIsDropped();
};

void tst_ClusterBus::smallBatchTravelsWhole()
{
    const QList<Event> events { message(1, 4), message(1, 5), message(2, 1) };
    const auto payloads = BusPayload::encode(u"node-a"_s, events);
    QCOMPARE(payloads.size(), 1);
    QVERIFY(payloads.first().size() <= BusPayload::kMaxBytes);
    const auto decoded = BusPayload::decode(QString::fromUtf8(payloads.first()));
    QVERIFY(decoded);
    QCOMPARE(decoded->node, u"node-a"_s);
    QCOMPARE(decoded->events, events);
    QVERIFY(decoded->ranges.isEmpty());
}

void tst_ClusterBus::largeBatchTravelsByReference()
{
    const QList<Event> events { message(3, 10, QString(9000, u'x')), message(3, 11),
                                message(5, 2, QString(3000, QChar(0x4e2d))) };
    const auto payloads = BusPayload::encode(u"node-a"_s, events);
    QCOMPARE(payloads.size(), 1);
    QVERIFY(payloads.first().size() <= BusPayload::kMaxBytes);
    const auto decoded = BusPayload::decode(QString::fromUtf8(payloads.first()));
    QVERIFY(decoded);
    QVERIFY(decoded->events.isEmpty());
    QCOMPARE(decoded->ranges, (QList<SeqRange> { { 3, 10, 11 }, { 5, 2, 2 } }));
}

void tst_ClusterBus::manyRoomsSplitOverSeveralNotifications()
{
    QList<Event> events;
    for (qint64 room = 1; room <= 2000; ++room)
        events.append(message(room, room * 3));
    const auto payloads = BusPayload::encode(u"node-a"_s, events);
    QVERIFY(payloads.size() > 1);
    QSet<qint64> rooms;
    for (const QByteArray &payload : payloads) {
        QVERIFY(payload.size() <= BusPayload::kMaxBytes);
        const auto decoded = BusPayload::decode(QString::fromUtf8(payload));
        QVERIFY(decoded);
        for (const SeqRange &range : decoded->ranges) {
            QCOMPARE(range.first, range.room * 3);
            QCOMPARE(range.last, range.room * 3);
            rooms.insert(range.room);
        }
    }
    QCOMPARE(rooms.size(), 2000);
}

void tst_ClusterBus::malformedPayloadsAreRejected()
{
    for (const QString &payload :
         { u""_s, u"[]"_s, u"{\"node\":\"a\"}"_s, u"{\"v\":2,\"node\":\"a\",\"events\":[]}"_s,
           u"{\"v\":1,\"node\":\"a\",\"ranges\":[[1,5]]}"_s,
           u"{\"v\":1,\"node\":\"a\",\"ranges\":[[1,5,4]]}"_s,
           u"{\"v\":1,\"node\":\"a\",\"events\":[{\"room\":1}]}"_s }) {
        QVERIFY2(!BusPayload::decode(payload), qPrintable(payload));
    }
}

void tst_ClusterBus::ownPayloadsAreToldByTheirFirstBytes()
{
    QList<Event> many;
    for (qint64 room = 1; room <= 2000; ++room)
        many.append(message(room, room));
    for (const QString &node : { u"node-a"_s, u"n\"ode\\ \u00e9\u4e2d"_s }) {
        for (const auto &events : { QList<Event> { message(1, 1) }, many }) {
            for (const QByteArray &bytes : BusPayload::encode(node, events)) {
                const QString payload = QString::fromUtf8(bytes);
                QVERIFY2(payload.startsWith(BusPayload::prefixOf(node)),
                         qPrintable(payload.left(80)));
                QVERIFY(!payload.startsWith(BusPayload::prefixOf(node + u"b"_s)));
                QVERIFY(!payload.startsWith(BusPayload::prefixOf(node.chopped(1))));
                QCOMPARE(BusPayload::decode(payload)->node, node);
            }
        }
    }
    // A payload with its keys in another order is still read, though not told at once.
    const QString reordered = u"{\"v\":1,\"events\":[],\"node\":\"node-a\"}"_s;
    QVERIFY(!reordered.startsWith(BusPayload::prefixOf(u"node-a"_s)));
    QCOMPARE(BusPayload::decode(reordered)->node, u"node-a"_s);
}

void tst_ClusterBus::inOrderEventsPassStraightThrough()
{
    FakeTimeline db;
    RoomSequencer sequencer(db.reader());
    sequencer.setDelivered(1, 3);
    QCOMPARE(seqs(sequencer.accept({ message(1, 4), message(1, 5) })), (QList<qint64> { 4, 5 }));
    QCOMPARE(db.reads, 0);
    QCOMPARE(sequencer.delivered(1), 5);
}

void tst_ClusterBus::gapIsFilledFromTheDatabase()
{
    // This node committed seq 7 after another node committed 5 and 6, whose announcement has
    // not arrived yet.
    FakeTimeline db;
    db.last[1] = 7;
    RoomSequencer sequencer(db.reader());
    sequencer.setDelivered(1, 4);
    QCOMPARE(seqs(sequencer.accept({ message(1, 7) })), (QList<qint64> { 5, 6, 7 }));
    QCOMPARE(db.reads, 1);
    // Their announcement, late, delivers nothing again.
    QVERIFY(sequencer.accept({ message(1, 5), message(1, 6) }).isEmpty());
}

void tst_ClusterBus::duplicatesAreDropped()
{
    FakeTimeline db;
    RoomSequencer sequencer(db.reader());
    QCOMPARE(seqs(sequencer.accept({ message(9, 1), message(9, 1), message(9, 2) })),
             (QList<qint64> { 1, 2 }));
    QVERIFY(sequencer.accept({ message(9, 2), message(9, 1) }).isEmpty());
}

void tst_ClusterBus::referenceIsReadFromTheDatabase()
{
    FakeTimeline db;
    db.last[4] = 12;
    RoomSequencer sequencer(db.reader());
    sequencer.setDelivered(4, 9);
    QCOMPARE(seqs(sequencer.catchUp(4, 12)), (QList<qint64> { 10, 11, 12 }));
    QVERIFY(sequencer.catchUp(4, 11).isEmpty());
}

void tst_ClusterBus::unreadableGapWaitsForRetry()
{
    FakeTimeline db;
    db.last[1] = 3;
    db.failing = true;
    RoomSequencer sequencer(db.reader());
    QVERIFY(sequencer.accept({ message(1, 3) }).isEmpty());
    QCOMPARE(sequencer.waitingCount(), 1);
    QCOMPARE(sequencer.delivered(1), 0);
    db.failing = false;
    QCOMPARE(seqs(sequencer.retry()), (QList<qint64> { 1, 2, 3 }));
    QCOMPARE(sequencer.waitingCount(), 0);
}

void tst_ClusterBus::roomsAreIndependent()
{
    FakeTimeline db;
    db.last[2] = 2;
    RoomSequencer sequencer(db.reader());
    const auto out = sequencer.accept({ message(1, 1), message(2, 2), message(1, 2) });
    QCOMPARE(out.size(), 4);
    QCOMPARE(sequencer.delivered(1), 2);
    QCOMPARE(sequencer.delivered(2), 2);
}

namespace {

NodeMessage bigMessage()
{
    // Quotes, backslashes, multi-byte and astral characters: what makes cutting JSON text hard.
    QString text;
    for (int i = 0; i < 4000; ++i)
        text += u"\"\\é😀"_s;
    return { u"node1"_s, u"room_push"_s, { { "frame"_L1, text }, { "room"_L1, 7 } } };
}

} // namespace

void tst_ClusterBus::smallNodeMessageTravelsWhole()
{
    const NodeMessage message { u"node1"_s, u"presence"_s, { { "status"_L1, u"away"_s } } };
    const auto payloads = NodeMessageCodec::encode(message, 1);
    QCOMPARE(payloads.size(), 1);
    NodeMessageAssembler assembler;
    const auto decoded = assembler.add(QString::fromUtf8(payloads.first()));
    QVERIFY(decoded);
    QCOMPARE(decoded->node, message.node);
    QCOMPARE(decoded->topic, message.topic);
    QCOMPARE(decoded->body, message.body);
}

void tst_ClusterBus::largeNodeMessageTravelsInPartsAndIsJoined()
{
    const NodeMessage message = bigMessage();
    const auto payloads = NodeMessageCodec::encode(message, 42);
    QVERIFY(payloads.size() > 1);
    NodeMessageAssembler assembler;
    std::optional<NodeMessage> decoded;
    for (qsizetype i = 0; i < payloads.size(); ++i) {
        QVERIFY2(payloads[i].size() < NodeMessageCodec::kMaxBytes,
                 qPrintable(QString::number(payloads[i].size())));
        decoded = assembler.add(QString::fromUtf8(payloads[i]));
        QCOMPARE(bool(decoded), i == payloads.size() - 1);
    }
    QCOMPARE(decoded->body, message.body);
}

void tst_ClusterBus::nodeMessageWithAMissingPartIsDropped()
{
    const auto first = NodeMessageCodec::encode(bigMessage(), 1);
    const auto second = NodeMessageCodec::encode(bigMessage(), 2);
    NodeMessageAssembler assembler;
    QVERIFY(!assembler.add(QString::fromUtf8(first[0])));
    QVERIFY(!assembler.add(QString::fromUtf8(first[1])));
    // The sender lost its connection midway and sent its next message whole.
    std::optional<NodeMessage> decoded;
    for (const QByteArray &part : second)
        decoded = assembler.add(QString::fromUtf8(part));
    QVERIFY(decoded);
    QCOMPARE(decoded->body, bigMessage().body);
    // A part of a message whose start was never seen is no message.
    QVERIFY(!assembler.add(QString::fromUtf8(first.last())));
}

QTEST_GUILESS_MAIN(tst_ClusterBus)
#include "tst_clusterbus.moc"
