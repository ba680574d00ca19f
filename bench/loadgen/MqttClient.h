#pragma once

#include "ChatClient.h"

#include <QList>

namespace confab::bench {

// What every MqttClient of one measurement shares: room i is the topic "<topicPrefix><i>".
struct MqttDirectory
{
    QString topicPrefix;
    QList<QList<int>> roomsOfUser;
};

// The subset of MQTT 3.1.1 over WebSocket a chat needs: CONNECT with a clean session,
// SUBSCRIBE to the user's rooms, PUBLISH at QoS 0 and PINGREQ. QoS 0 has no acknowledgement,
// so a message counts as accepted when the broker delivers it back to its publisher, who is
// subscribed to the room like every other member.
class MqttClient : public ChatClient
{
public:
    static constexpr int kKeepAliveSeconds = 120;

    MqttClient(const Endpoint &endpoint, const MqttDirectory *directory, int index,
               QObject *parent);

    void sendMessage(int room, const QString &text, qint64 sentNs) override;
    void keepAlive() override;

protected:
    void onConnected() override;
    void onBinary(const QByteArray &bytes) override;
    void onReset() override;

private:
    void onPacket(quint8 type, const QByteArray &body);
    QByteArray topic(int room) const;

    const MqttDirectory *m_directory;
    QByteArray m_buffer;
    QByteArray m_ownPrefix;
    bool m_connected = false;
};

} // namespace confab::bench
