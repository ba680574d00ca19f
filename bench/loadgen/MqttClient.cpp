#include "MqttClient.h"

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

enum PacketType : quint8 {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    Subscribe = 8,
    SubAck = 9,
    PingReq = 12,
    PingResp = 13,
};

void appendLength(QByteArray &out, qsizetype length)
{
    do {
        quint8 byte = length % 128;
        length /= 128;
        if (length > 0)
            byte |= 0x80;
        out.append(char(byte));
    } while (length > 0);
}

void appendString(QByteArray &out, QByteArrayView text)
{
    out.append(char(text.size() >> 8)).append(char(text.size() & 0xff)).append(text);
}

QByteArray packet(quint8 firstByte, const QByteArray &body)
{
    QByteArray out;
    out.append(char(firstByte));
    appendLength(out, body.size());
    return out + body;
}

} // namespace

MqttClient::MqttClient(const Endpoint &endpoint, const MqttDirectory *directory, int index,
                       QObject *parent)
    : ChatClient(endpoint, index, parent)
    , m_directory(directory)
    , m_ownPrefix(QByteArray::number(index) + ' ')
{ }

QByteArray MqttClient::topic(int room) const
{
    return (m_directory->topicPrefix + QString::number(room)).toUtf8();
}

void MqttClient::onReset()
{
    m_buffer.clear();
    m_connected = false;
}

void MqttClient::onConnected()
{
    QByteArray body;
    appendString(body, "MQTT");
    body.append(char(4)); // protocol level 3.1.1
    body.append(char(0x02)); // clean session, no will, no credentials
    body.append(char(kKeepAliveSeconds >> 8)).append(char(kKeepAliveSeconds & 0xff));
    appendString(body, u"bench-%1"_s.arg(index()).toUtf8());
    sendBinary(packet(Connect << 4, body));
}

void MqttClient::keepAlive()
{
    if (m_connected)
        sendBinary(packet(PingReq << 4, {}));
}

void MqttClient::sendMessage(int room, const QString &text, qint64)
{
    // The generator's texts start with the send time, the sender's index and a space; the
    // publisher recognises its own message by the index when the broker echoes it.
    QByteArray body;
    appendString(body, topic(room));
    body.append(text.toUtf8());
    sendBinary(packet(Publish << 4, body));
}

void MqttClient::onBinary(const QByteArray &bytes)
{
    // A WebSocket message may carry several MQTT packets, or part of one.
    m_buffer.append(bytes);
    qsizetype at = 0;
    while (at + 2 <= m_buffer.size()) {
        qsizetype length = 0;
        int multiplier = 1;
        qsizetype cursor = at + 1;
        bool complete = false;
        while (cursor < m_buffer.size() && cursor - at <= 4) {
            const quint8 byte = quint8(m_buffer.at(cursor++));
            length += (byte & 0x7f) * multiplier;
            multiplier *= 128;
            if (!(byte & 0x80)) {
                complete = true;
                break;
            }
        }
        if (!complete || cursor + length > m_buffer.size())
            break;
        const quint8 type = quint8(m_buffer.at(at)) >> 4;
        onPacket(type, m_buffer.mid(cursor, length));
        if (!isOpen())
            return;
        at = cursor + length;
    }
    m_buffer.remove(0, at);
}

void MqttClient::onPacket(quint8 type, const QByteArray &body)
{
    switch (type) {
    case ConnAck: {
        if (body.size() < 2 || body.at(1) != 0)
            return fail(u"mqtt:connack-%1"_s.arg(body.size() < 2 ? -1 : int(body.at(1))));
        m_connected = true;
        const auto &rooms = m_directory->roomsOfUser.value(index());
        if (rooms.isEmpty())
            return becomeReady();
        QByteArray subscribe;
        subscribe.append(char(0)).append(char(1)); // packet identifier 1
        for (int room : rooms) {
            appendString(subscribe, topic(room));
            subscribe.append(char(0)); // QoS 0
        }
        sendBinary(packet((Subscribe << 4) | 0x02, subscribe));
        return;
    }
    case SubAck:
        for (qsizetype i = 2; i < body.size(); ++i) {
            if (quint8(body.at(i)) == 0x80)
                return fail(u"mqtt:subscribe-refused"_s);
        }
        return becomeReady();
    case Publish: {
        if (body.size() < 2 || !observer())
            return;
        const qsizetype topicLength = (quint8(body.at(0)) << 8) | quint8(body.at(1));
        const QByteArray topicName = body.mid(2, topicLength);
        const QByteArray payload = body.mid(2 + topicLength);
        const QByteArray prefix = m_directory->topicPrefix.toUtf8();
        if (!topicName.startsWith(prefix))
            return;
        bool ok = false;
        const int room = topicName.mid(prefix.size()).toInt(&ok);
        if (!ok)
            return;
        const QString text = QString::fromUtf8(payload);
        // "<sent ns> <sender index> …": the echo of one's own message is its acceptance.
        const qsizetype space = payload.indexOf(' ');
        if (space > 0 && payload.mid(space + 1).startsWith(m_ownPrefix))
            observer()->accepted(this, room, 0, payload.left(space).toLongLong());
        observer()->delivered(this, room, 0, text);
        return;
    }
    case PingResp:
        return;
    default:
        return fail(u"mqtt:unexpected-packet-%1"_s.arg(type));
    }
}

} // namespace confab::bench
