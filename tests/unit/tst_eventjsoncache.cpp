// The JSON kept for events already sent: never a version of an event other than the one asked
// about. That sync and history replies carry it is tst_chat's and tst_delivery's part.
#include "session/EventJsonCache.h"

#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;
using confab::protocol::Event;
using confab::protocol::EventKind;

class TestEventJsonCache : public QObject
{
    Q_OBJECT

private slots:
    void givesTheEventsOwnJson();
    void anEditedOrDeletedMessageIsNeverAnsweredFromBefore();
    void eventsOfOtherRoomsDoNotMix();
    void anEventLargerThanTheCacheStillHasItsJson();

private:
    static Event message(qint64 room, qint64 seq, const QString &text)
    {
        Event event;
        event.room = room;
        event.seq = seq;
        event.kind = EventKind::Message;
        event.sender = { 7, u"alice"_s };
        event.clientId = u"c%1"_s.arg(seq);
        event.text = text;
        event.timestamp = 1000 + seq;
        return event;
    }
};

void TestEventJsonCache::givesTheEventsOwnJson()
{
    EventJsonCache cache(1024 * 1024);
    const Event event = message(1, 1, u"hello"_s);
    QCOMPARE(cache.toJson(event), event.toJson());
    QCOMPARE(cache.toJson(event), event.toJson());
}

void TestEventJsonCache::anEditedOrDeletedMessageIsNeverAnsweredFromBefore()
{
    EventJsonCache cache(1024 * 1024);
    Event event = message(1, 1, u"teh typo"_s);
    QCOMPARE(cache.toJson(event)["text"_L1].toString(), u"teh typo"_s);

    event.text = u"the typo"_s;
    event.editedAt = 2000;
    QCOMPARE(cache.toJson(event), event.toJson());
    QCOMPARE(cache.toJson(event)["text"_L1].toString(), u"the typo"_s);

    // Edited twice within one millisecond: only the text differs.
    event.text = u"the typo, fixed"_s;
    QCOMPARE(cache.toJson(event)["text"_L1].toString(), u"the typo, fixed"_s);

    event.deleted = true;
    event.text.clear();
    const QJsonObject deleted = cache.toJson(event);
    QCOMPARE(deleted, event.toJson());
    QCOMPARE(deleted["deleted"_L1], QJsonValue(true));
    QCOMPARE(deleted["text"_L1], QJsonValue(u""_s));
}

void TestEventJsonCache::eventsOfOtherRoomsDoNotMix()
{
    EventJsonCache cache(1024 * 1024);
    const Event first = message(1, 5, u"in room one"_s);
    const Event second = message(2, 5, u"in room two"_s);
    QCOMPARE(cache.toJson(first), first.toJson());
    QCOMPARE(cache.toJson(second), second.toJson());
    QCOMPARE(cache.toJson(first)["text"_L1].toString(), u"in room one"_s);
}

void TestEventJsonCache::anEventLargerThanTheCacheStillHasItsJson()
{
    EventJsonCache cache(1024);
    const Event event = message(1, 1, QString(4096, u'x'));
    QCOMPARE(cache.toJson(event), event.toJson());
    QCOMPARE(cache.toJson(event), event.toJson());
}

QTEST_GUILESS_MAIN(TestEventJsonCache)
#include "tst_eventjsoncache.moc"
