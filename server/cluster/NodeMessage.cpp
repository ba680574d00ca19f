#include "NodeMessage.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace confab::server {

using namespace Qt::StringLiterals;

namespace {

constexpr int kVersion = 1;

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

std::optional<NodeMessage> messageFromJson(const QJsonObject &json)
{
    if (json.value("v"_L1).toInt() != kVersion || !json.value("node"_L1).isString()
        || !json.value("topic"_L1).isString() || !json.value("body"_L1).isObject())
        return std::nullopt;
    return NodeMessage { json.value("node"_L1).toString(), json.value("topic"_L1).toString(),
                         json.value("body"_L1).toObject() };
}

// Cuts text into pieces whose UTF-8 forms stay under `maxBytes`, never inside a surrogate pair.
QStringList cut(const QString &text, qsizetype maxBytes)
{
    QStringList pieces;
    QString piece;
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const bool pair = text[i].isHighSurrogate() && i + 1 < text.size();
        const qsizetype width = pair    ? 4
            : text[i].unicode() < 0x80  ? 1
            : text[i].unicode() < 0x800 ? 2
                                        : 3;
        if (bytes + width > maxBytes) {
            pieces.append(piece);
            piece.clear();
            bytes = 0;
        }
        piece += text[i];
        if (pair)
            piece += text[++i];
        bytes += width;
    }
    if (!piece.isEmpty())
        pieces.append(piece);
    return pieces;
}

} // namespace

QList<QByteArray> NodeMessageCodec::encode(const NodeMessage &message, quint64 serial)
{
    const QByteArray whole = compact({ { "v"_L1, kVersion },
                                       { "node"_L1, message.node },
                                       { "topic"_L1, message.topic },
                                       { "body"_L1, message.body } });
    if (whole.size() <= kMaxBytes)
        return { whole };
    // Each part's JSON escapes its text again. The text is JSON already (control characters
    // escaped, the rest raw UTF-8), so at worst every byte doubles: a quote or a backslash.
    const QStringList pieces = cut(QString::fromUtf8(whole), kMaxBytes / 2 - 128);
    QList<QByteArray> parts;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        parts.append(
            compact({ { "v"_L1, kVersion },
                      { "node"_L1, message.node },
                      { "part"_L1, QJsonArray { QString::number(serial), i, pieces.size() } },
                      { "text"_L1, pieces[i] } }));
    }
    return parts;
}

std::optional<NodeMessage> NodeMessageAssembler::add(const QString &payload)
{
    const QJsonObject json = QJsonDocument::fromJson(payload.toUtf8()).object();
    if (!json.contains("part"_L1))
        return messageFromJson(json);

    const QString node = json.value("node"_L1).toString();
    const QJsonArray part = json.value("part"_L1).toArray();
    const quint64 serial = part.at(0).toString().toULongLong();
    const int index = part.at(1).toInt(-1);
    const int count = part.at(2).toInt(-1);
    if (json.value("v"_L1).toInt() != kVersion || node.isEmpty() || part.size() != 3 || count < 1
        || index < 0 || index >= count || !json.value("text"_L1).isString())
        return std::nullopt;

    Partial &partial = m_partial[node];
    if (index == 0)
        partial = Partial { serial, count, {} };
    // A part out of order means one was lost (the sender's connection failed in between):
    // the message is dropped rather than joined wrongly.
    if (partial.serial != serial || partial.expected != count || partial.parts.size() != index) {
        m_partial.remove(node);
        return std::nullopt;
    }
    partial.parts.append(json.value("text"_L1).toString());
    if (partial.parts.size() < count)
        return std::nullopt;
    const QString whole = partial.parts.join(QString());
    m_partial.remove(node);
    return messageFromJson(QJsonDocument::fromJson(whole.toUtf8()).object());
}

void NodeMessageAssembler::forget(const QString &node)
{
    m_partial.remove(node);
}

} // namespace confab::server
