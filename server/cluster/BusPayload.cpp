#include "BusPayload.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

constexpr int kVersion = 1;

QByteArray serialize(const QString &node, const QString &key, const QJsonArray &items)
{
    return QJsonDocument(QJsonObject { { "v"_L1, kVersion }, { "node"_L1, node }, { key, items } })
        .toJson(QJsonDocument::Compact);
}

QList<SeqRange> rangesOf(const QList<protocol::Event> &events)
{
    // A batch holds each room's row lock until commit, so its sequence numbers in one room
    // follow each other without holes.
    QMap<qint64, SeqRange> byRoom;
    for (const auto &event : events) {
        auto it = byRoom.find(event.room);
        if (it == byRoom.end()) {
            byRoom.insert(event.room, { event.room, event.seq, event.seq });
        } else {
            it->first = std::min(it->first, event.seq);
            it->last = std::max(it->last, event.seq);
        }
    }
    return byRoom.values();
}

} // namespace

QList<QByteArray> BusPayload::encode(const QString &node, const QList<protocol::Event> &events)
{
    QJsonArray items;
    for (const auto &event : events)
        items.append(event.toJson());
    QByteArray whole = serialize(node, u"events"_s, items);
    if (whole.size() <= kMaxBytes)
        return { whole };

    QList<QByteArray> payloads;
    QJsonArray ranges;
    QByteArray last;
    for (const SeqRange &range : rangesOf(events)) {
        QJsonArray candidate = ranges;
        candidate.append(QJsonArray { range.room, range.first, range.last });
        QByteArray encoded = serialize(node, u"ranges"_s, candidate);
        if (encoded.size() > kMaxBytes && !ranges.isEmpty()) {
            payloads.append(last);
            candidate = QJsonArray { QJsonArray { range.room, range.first, range.last } };
            encoded = serialize(node, u"ranges"_s, candidate);
        }
        ranges = candidate;
        last = encoded;
    }
    if (!ranges.isEmpty())
        payloads.append(last);
    return payloads;
}

std::optional<BusMessage> BusPayload::decode(const QString &payload)
{
    const QJsonObject json = QJsonDocument::fromJson(payload.toUtf8()).object();
    if (json.value("v"_L1).toInt() != kVersion || !json.value("node"_L1).isString())
        return std::nullopt;
    BusMessage message;
    message.node = json.value("node"_L1).toString();
    for (const auto &item : json.value("events"_L1).toArray()) {
        auto event = protocol::Event::fromJson(item.toObject());
        if (!event)
            return std::nullopt;
        message.events.append(*event);
    }
    for (const auto &item : json.value("ranges"_L1).toArray()) {
        const QJsonArray triple = item.toArray();
        if (triple.size() != 3)
            return std::nullopt;
        const SeqRange range { triple[0].toInteger(), triple[1].toInteger(),
                               triple[2].toInteger() };
        if (range.room <= 0 || range.first <= 0 || range.last < range.first)
            return std::nullopt;
        message.ranges.append(range);
    }
    return message;
}

} // namespace confab::server
