#pragma once

#include "protocol/ArgumentReader.h"
#include "protocol/Entities.h"
#include "protocol/Frames.h"
#include "protocol/ProtocolError.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <array>
#include <concepts>
#include <functional>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

// How a typed message (protocol/Messages.h) is read from and written to JSON. A message lists
// its fields once, in a static fields(): the name on the wire, the member and the rule for its
// value. toJson() and fromJson() work from that list alone, so that both directions agree by
// construction and a name is spelled in one place.
//
// Reading uses ArgumentReader, so a request is refused with its bad_request messages. It goes
// in two passes over the fields in their order: first the types, then the rules that look at
// values (a choice of names, the positions of sync); the first problem found is reported. That
// is the order in which the server always checked its arguments.
namespace confab::protocol {

// How events become JSON: Event::toJson() unless the writer has a faster way (a cache).
using EventEncoder = std::function<QJsonObject(const Event &)>;

// A typed message: a struct that lists its fields.
template<typename T>
concept WireMessage = requires
{
    T::fields();
};

template<WireMessage M> QJsonObject toJson(const M &message, const EventEncoder &encodeEvent = {});
template<WireMessage M> Outcome<M> fromJson(const QJsonObject &json);

// A push as the frame that goes on the wire.
template<WireMessage Push> QByteArray encodePush(const Push &push)
{
    return encodePush(Push::kPush, toJson(push));
}

// The result of the operations that only confirm that they were done: {}.
struct EmptyReply
{
    static auto fields() { return std::tuple {}; }
    friend bool operator==(const EmptyReply &, const EmptyReply &) = default;
};

namespace rule {

using namespace Qt::StringLiterals;

template<typename M, typename Value, typename Rule> struct Field
{
    QLatin1StringView name;
    Value M::*member;
    Rule rule;
};

template<typename M, typename Value, typename Rule>
constexpr Field<M, Value, Rule> field(QLatin1StringView name, Value M::*member, Rule rule)
{
    return { name, member, rule };
}

QString nestedProblem(QLatin1StringView name, const QString &problem);
QString malformed(QLatin1StringView name);
QString notOneOf(QLatin1StringView name, std::span<const QLatin1StringView> choices);

// An object inside a message: an entity (User, Room, Event) or a message of its own.
template<typename T>
void decode(ArgumentReader &args, QLatin1StringView name, const QJsonObject &json, T &value)
{
    if constexpr (WireMessage<T>) {
        auto decoded = fromJson<T>(json);
        if (decoded)
            value = std::move(decoded).value();
        else
            args.fail(nestedProblem(name, decoded.error().message));
    } else {
        auto decoded = T::fromJson(json);
        if (decoded)
            value = std::move(*decoded);
        else
            args.fail(malformed(name));
    }
}

template<typename T> QJsonObject encode(const T &value, const EventEncoder &encodeEvent)
{
    if constexpr (WireMessage<T>)
        return toJson(value, encodeEvent);
    else if constexpr (std::same_as<T, Event>)
        return encodeEvent ? encodeEvent(value) : value.toJson();
    else
        return value.toJson();
}

// The rules. Each reads a member with read() (and, for a rule on values, check()), and
// writes it with write().

struct Id // a positive integer id
{
    void read(ArgumentReader &args, QLatin1StringView name, qint64 &value) const
    {
        value = args.requiredId(name);
    }
    void write(QJsonObject &json, QLatin1StringView name, qint64 value, const EventEncoder &) const
    {
        json.insert(name, value);
    }
};

struct Integer // a required integer in [min, max]
{
    qint64 min;
    qint64 max;

    template<std::integral N>
    void read(ArgumentReader &args, QLatin1StringView name, N &value) const
    {
        value = N(args.requiredInt(name, min, max));
    }
    template<std::integral N>
    void write(QJsonObject &json, QLatin1StringView name, N value, const EventEncoder &) const
    {
        json.insert(name, qint64(value));
    }
};

struct IntegerOr // an integer in [min, max], `fallback` when absent or null; always written
{
    qint64 fallback;
    qint64 min;
    qint64 max;

    template<std::integral N>
    void read(ArgumentReader &args, QLatin1StringView name, N &value) const
    {
        value = N(args.intOr(name, fallback, min, max));
    }
    template<std::integral N>
    void write(QJsonObject &json, QLatin1StringView name, N value, const EventEncoder &) const
    {
        json.insert(name, qint64(value));
    }
};

struct OptionalInteger // an integer in [min, max] or nothing; written only when there is one
{
    qint64 min;
    qint64 max;

    void read(ArgumentReader &args, QLatin1StringView name, std::optional<qint64> &value) const
    {
        value = args.optionalInt(name, min, max);
    }
    void write(QJsonObject &json, QLatin1StringView name, const std::optional<qint64> &value,
               const EventEncoder &) const
    {
        if (value)
            json.insert(name, *value);
    }
};

struct Text
{
    void read(ArgumentReader &args, QLatin1StringView name, QString &value) const
    {
        value = args.requiredString(name);
    }
    void write(QJsonObject &json, QLatin1StringView name, const QString &value,
               const EventEncoder &) const
    {
        json.insert(name, value);
    }
};

struct OptionalText // written only when there is one
{
    void read(ArgumentReader &args, QLatin1StringView name, std::optional<QString> &value) const
    {
        value = args.optionalString(name);
    }
    void write(QJsonObject &json, QLatin1StringView name, const std::optional<QString> &value,
               const EventEncoder &) const
    {
        if (value)
            json.insert(name, *value);
    }
};

struct Flag
{
    void read(ArgumentReader &args, QLatin1StringView name, bool &value) const
    {
        value = args.requiredBool(name);
    }
    void write(QJsonObject &json, QLatin1StringView name, bool value, const EventEncoder &) const
    {
        json.insert(name, value);
    }
};

struct OptionalFlag // written only when there is one
{
    void read(ArgumentReader &args, QLatin1StringView name, std::optional<bool> &value) const
    {
        const auto raw = args.body().value(name);
        value = raw.isUndefined() || raw.isNull() ? std::nullopt
                                                  : std::optional(args.requiredBool(name));
    }
    void write(QJsonObject &json, QLatin1StringView name, const std::optional<bool> &value,
               const EventEncoder &) const
    {
        if (value)
            json.insert(name, *value);
    }
};

struct Object // an entity or a message, as a JSON object
{
    template<typename T> void read(ArgumentReader &args, QLatin1StringView name, T &value) const
    {
        const QJsonObject json = args.requiredObject(name);
        if (!args.failed())
            decode(args, name, json, value);
    }
    template<typename T>
    void write(QJsonObject &json, QLatin1StringView name, const T &value,
               const EventEncoder &encodeEvent) const
    {
        json.insert(name, encode(value, encodeEvent));
    }
};

struct NullableObject // an object, or null when there is none
{
    template<typename T>
    void read(ArgumentReader &args, QLatin1StringView name, std::optional<T> &value) const
    {
        const auto raw = args.body().value(name);
        if (raw.isUndefined() || raw.isNull()) {
            value.reset();
            return;
        }
        Object().read(args, name, value.emplace());
    }
    template<typename T>
    void write(QJsonObject &json, QLatin1StringView name, const std::optional<T> &value,
               const EventEncoder &encodeEvent) const
    {
        json.insert(name, value ? QJsonValue(encode(*value, encodeEvent)) : QJsonValue());
    }
};

struct ArrayOf // an array of objects
{
    template<typename T>
    void read(ArgumentReader &args, QLatin1StringView name, QList<T> &values) const
    {
        const QJsonArray array = args.requiredArray(name);
        values.clear();
        values.reserve(array.size());
        for (const auto &entry : array) {
            if (args.failed())
                return;
            if (!entry.isObject())
                return args.fail(malformed(name));
            decode(args, name, entry.toObject(), values.emplace_back());
        }
    }
    template<typename T>
    void write(QJsonObject &json, QLatin1StringView name, const QList<T> &values,
               const EventEncoder &encodeEvent) const
    {
        QJsonArray array;
        for (const auto &value : values)
            array.append(encode(value, encodeEvent));
        json.insert(name, array);
    }
};

// An entity whose fields sit beside the message's own: a my_rooms entry is a Room with
// "unread" and more. The name only names it in an error message.
struct Inlined
{
    template<typename T> void read(ArgumentReader &args, QLatin1StringView name, T &value) const
    {
        if (!args.failed())
            decode(args, name, args.body(), value);
    }
    template<typename T>
    void write(QJsonObject &json, QLatin1StringView, const T &value,
               const EventEncoder &encodeEvent) const
    {
        const QJsonObject fields = encode(value, encodeEvent);
        for (auto it = fields.constBegin(); it != fields.constEnd(); ++it)
            json.insert(it.key(), it.value());
    }
};

// One of an enum's names; `fallback` when absent or null, unless it is required.
template<typename Enum, std::size_t N> struct Choice
{
    QLatin1StringView (*nameOf)(Enum);
    std::array<Enum, N> choices;
    std::optional<Enum> fallback;

    void read(ArgumentReader &args, QLatin1StringView name, Enum &) const
    {
        if (fallback)
            args.optionalString(name);
        else
            args.requiredString(name);
    }
    void check(ArgumentReader &args, QLatin1StringView name, Enum &value) const
    {
        if (args.failed())
            return;
        const auto raw = args.body().value(name);
        if (fallback && (raw.isUndefined() || raw.isNull())) {
            value = *fallback;
            return;
        }
        std::array<QLatin1StringView, N> names;
        for (std::size_t i = 0; i < N; ++i) {
            names[i] = nameOf(choices[i]);
            if (raw.toString() == names[i]) {
                value = choices[i];
                return;
            }
        }
        args.fail(notOneOf(name, names));
    }
    void write(QJsonObject &json, QLatin1StringView name, Enum value, const EventEncoder &) const
    {
        json.insert(name, nameOf(value));
    }
};

template<typename Enum, std::size_t N>
constexpr Choice<Enum, N> oneOf(QLatin1StringView (*nameOf)(Enum), const Enum (&choices)[N],
                                std::type_identity_t<std::optional<Enum>> fallback = {})
{
    Choice<Enum, N> choice { nameOf, {}, fallback };
    for (std::size_t i = 0; i < N; ++i)
        choice.choices[i] = choices[i];
    return choice;
}

// The positions of sync: {"<room id>": last seq seen, …}, kept in the object's order.
struct RoomPositions
{
    using Positions = QList<std::pair<qint64, qint64>>;

    void read(ArgumentReader &args, QLatin1StringView name, Positions &) const;
    void check(ArgumentReader &args, QLatin1StringView name, Positions &positions) const;
    void write(QJsonObject &json, QLatin1StringView name, const Positions &positions,
               const EventEncoder &) const;
};

} // namespace rule

template<WireMessage M> QJsonObject toJson(const M &message, const EventEncoder &encodeEvent)
{
    QJsonObject json;
    std::apply(
        [&](const auto &...field) {
            (field.rule.write(json, field.name, message.*field.member, encodeEvent), ...);
        },
        M::fields());
    return json;
}

template<WireMessage M> Outcome<M> fromJson(const QJsonObject &json)
{
    ArgumentReader args(json);
    M message {};
    const auto fields = M::fields();
    std::apply(
        [&](const auto &...field) {
            (field.rule.read(args, field.name, message.*field.member), ...);
        },
        fields);
    const auto check = [&](const auto &field) {
        if constexpr (requires { field.rule.check(args, field.name, message.*field.member); })
            field.rule.check(args, field.name, message.*field.member);
    };
    std::apply([&](const auto &...field) { (check(field), ...); }, fields);
    if (args.failed())
        return *args.error();
    return message;
}

} // namespace confab::protocol
