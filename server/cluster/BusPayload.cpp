#include "BusPayload.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

constexpr int kVersion = 1;

// The node comes first (prefix, from BusPayload::prefixOf), so that a listener can tell its
// own notifications without parsing them. The body is a JSON array's text.
QByteArray serialize(const QByteArray &prefix, QLatin1StringView key, const QByteArray &arrayText)
{
    return prefix + "\"v\":" + QByteArray::number(kVersion) + ",\""
        + QByteArray(key.data(), key.size()) + "\":" + arrayText + '}';
}

// Room number, first and last seq as the JSON array [room,first,last].
QByteArray rangeText(const SeqRange &range)
{
    return '[' + QByteArray::number(range.room) + ',' + QByteArray::number(range.first) + ','
        + QByteArray::number(range.last) + ']';
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

QString BusPayload::prefixOf(const QString &node)
{
    // The id as a JSON string: the text of the array [node] without its brackets.
    const QString quoted
        = QString::fromUtf8(QJsonDocument(QJsonArray { node }).toJson(QJsonDocument::Compact));
    return u"{\"node\":"_s + quoted.sliced(1, quoted.size() - 2) + u',';
}

QList<QByteArray> BusPayload::encode(const QString &node, const QList<protocol::Event> &events)
{
    // The events themselves, while they fit; a large batch stops being encoded as soon as it
    // is clear that it goes by reference.
    const QByteArray prefix = prefixOf(node).toUtf8();
    const qsizetype envelope = serialize(prefix, "events"_L1, "[]").size();
    QByteArray items = "[";
    for (const auto &event : events) {
        if (items.size() > 1)
            items += ',';
        items += QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
        if (envelope + items.size() - 1 > kMaxBytes)
            break;
    }
    items += ']';
    if (envelope + items.size() - 2 <= kMaxBytes)
        return { serialize(prefix, "events"_L1, items) };

    const qsizetype rangesEnvelope = serialize(prefix, "ranges"_L1, "[]").size();
    QList<QByteArray> payloads;
    QByteArray ranges;
    for (const SeqRange &range : rangesOf(events)) {
        const QByteArray text = rangeText(range);
        if (!ranges.isEmpty() && rangesEnvelope + ranges.size() + 1 + text.size() > kMaxBytes) {
            payloads.append(serialize(prefix, "ranges"_L1, '[' + ranges + ']'));
            ranges.clear();
        }
        if (!ranges.isEmpty())
            ranges += ',';
        ranges += text;
    }
    if (!ranges.isEmpty())
        payloads.append(serialize(prefix, "ranges"_L1, '[' + ranges + ']'));
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
