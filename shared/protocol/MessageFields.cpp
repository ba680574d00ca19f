#include "protocol/MessageFields.h"

#include "protocol/Limits.h"

namespace confab::protocol::rule {

QString nestedProblem(QLatin1StringView name, const QString &problem)
{
    return u"\"%1\": %2"_s.arg(name, problem);
}

QString malformed(QLatin1StringView name)
{
    return u"\"%1\" is malformed."_s.arg(name);
}

QString notOneOf(QLatin1StringView name, std::span<const QLatin1StringView> choices)
{
    QString list;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0)
            list += i + 1 == choices.size() ? u" or "_s : u", "_s;
        list += u'"' + QString(choices[i]) + u'"';
    }
    return u"\"%1\" must be %2."_s.arg(name, list);
}

void RoomPositions::read(ArgumentReader &args, QLatin1StringView name, Positions &) const
{
    args.requiredObject(name);
}

void RoomPositions::check(ArgumentReader &args, QLatin1StringView name, Positions &positions) const
{
    if (args.failed())
        return;
    const QJsonObject since = args.body().value(name).toObject();
    if (since.size() > kSyncRoomsMax)
        return args.fail(u"\"%1\" names at most %2 rooms."_s.arg(name).arg(kSyncRoomsMax));
    positions.clear();
    for (auto it = since.constBegin(); it != since.constEnd(); ++it) {
        bool isNumber = false;
        const qint64 roomId = it.key().toLongLong(&isNumber);
        // The seq is read as an argument of its own, by the same rule as every other seq.
        const QJsonObject entry { { "seq"_L1, it.value() } };
        ArgumentReader seqReader(entry);
        const qint64 seq = seqReader.requiredInt("seq"_L1, 0, kMaxSeq);
        if (!isNumber || roomId <= 0 || seqReader.failed())
            return args.fail(
                u"\"%1\" maps room ids to the last seq seen (an integer >= 0)."_s.arg(name));
        positions.append({ roomId, seq });
    }
}

void RoomPositions::write(QJsonObject &json, QLatin1StringView name, const Positions &positions,
                          const EventEncoder &) const
{
    QJsonObject since;
    for (const auto &[roomId, seq] : positions)
        since.insert(QString::number(roomId), seq);
    json.insert(name, since);
}

} // namespace confab::protocol::rule
