#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab::bench {

class LoadThreads;
class Target;

// How big each scenario is. The presets: "tiny" for the test suite (and smaller still under
// the sanitizers), "small" for about a minute per target, "full" for the published figures;
// every number can also be set on its own.
struct Sizes
{
    QString name;
    int connections = 0; // connections: idle signed-in connections
    int holdSeconds = 0;
    int fanoutRooms = 0; // fanout: rooms x members, messages offered per second
    int fanoutMembers = 0;
    double fanoutRate = 0;
    int fanoutSeconds = 0;
    int ingestSenders = 0; // ingest: senders, each with a window of unacknowledged sends
    int ingestWindow = 0;
    int ingestSeconds = 0;
    qint64 historyMessages = 0; // history: messages in the room, timed fetches per position
    int historySamples = 0;
    int stormClients = 0; // reconnect-storm: clients, room size, messages missed per room
    int stormRoomSize = 0;
    int stormMissed = 0;
    int textBytes = 100;
    int handshakesInFlight = 64; // per generator thread, when opening many connections

    static std::optional<Sizes> preset(const QString &name);
    QJsonObject toJson() const;
};

inline const QStringList kScenarioNames { QStringLiteral("connections"), QStringLiteral("fanout"),
                                          QStringLiteral("ingest"), QStringLiteral("history"),
                                          QStringLiteral("reconnect-storm") };

struct ScenarioContext
{
    const LoadThreads &threads;
    const Sizes &sizes;
    QString historyBench; // the confab-history-bench binary, for the store's own figures
};

// Runs one scenario against one target and returns its figures; "ok" is false and "problems"
// says why when anything failed, was refused or went missing.
QJsonObject runScenario(const QString &name, Target &target, const ScenarioContext &context);

} // namespace confab::bench
