#include "Report.h"

#include <QFile>
#include <QJsonArray>
#include <QStringList>

namespace confab::bench {

using namespace Qt::StringLiterals;

namespace {

QString number(double value, int decimals = 1)
{
    if (value >= 1000 || decimals == 0)
        return QString::number(qint64(std::llround(value)));
    return QString::number(value, 'f', decimals);
}

QString ms(const QJsonObject &latency, QLatin1StringView key)
{
    return latency.contains(key) ? number(latency.value(key).toDouble(), 2) : u"–"_s;
}

QString latencyCells(const QJsonObject &latency)
{
    return ms(latency, "p50_ms"_L1) + u" | "_s + ms(latency, "p95_ms"_L1) + u" | "_s
        + ms(latency, "p99_ms"_L1) + u" | "_s + ms(latency, "max_ms"_L1);
}

QString errorsCell(const QJsonObject &errors)
{
    QStringList parts;
    for (auto it = errors.constBegin(); it != errors.constEnd(); ++it)
        parts << u"%1 × %2"_s.arg(it.value().toInteger()).arg(it.key());
    return parts.isEmpty() ? u"none"_s : parts.join(u", "_s);
}

QString serverCells(const QJsonObject &result)
{
    const auto server = result.value("server"_L1).toObject();
    const auto generator = result.value("generator"_L1).toObject();
    return number(server.value("cpu_s"_L1).toDouble(), 1) + u" ("_s
        + number(server.value("cpu_cores"_L1).toDouble(), 2) + u")"_s + u" | "_s
        + number(server.value("rss_peak_mib"_L1).toDouble(), 0) + u" | "_s
        + number(generator.value("cpu_cores"_L1).toDouble(), 2);
}

QList<QJsonObject> resultsOf(const QJsonObject &run, QLatin1StringView scenario)
{
    QList<QJsonObject> list;
    for (const auto &value : run.value("results"_L1).toArray()) {
        const auto result = value.toObject();
        if (result.value("scenario"_L1).toString() == scenario)
            list.append(result);
    }
    return list;
}

QJsonObject resultFor(const QJsonObject &run, QLatin1StringView scenario, const QString &target)
{
    for (const auto &result : resultsOf(run, scenario)) {
        if (result.value("target"_L1).toString() == target)
            return result;
    }
    return {};
}

QString title(const QJsonObject &result)
{
    return result.value("target_title"_L1).toString();
}

// A figure of confabd over the same figure of a peer; "higher is better" decides nothing
// here, the reader sees the direction from the figure's name.
QString ratio(double confab, double peer)
{
    if (peer <= 0 || confab < 0)
        return u"–"_s;
    return QString::number(confab / peer, 'f', 2);
}

double at(const QJsonObject &result, const QStringList &path)
{
    QJsonValue value = result;
    for (const auto &key : path)
        value = value.toObject().value(key);
    return value.toDouble(-1);
}

} // namespace

QString markdownSection(const QJsonObject &run)
{
    const auto machine = run.value("machine"_L1).toObject();
    const auto sizes = run.value("sizes"_L1).toObject();
    QString md;
    md += u"## Server load\n\n"_s;
    md += u"Measured with `confab-loadgen` (`bench/loadgen/`, see `bench/README.md`): many TLS\n"
          "WebSocket connections from one process with one event-loop thread per core, the\n"
          "server's certificate pinned. confabd is started afresh for every scenario on a\n"
          "database seeded with the scenario's accounts, rooms and memberships; clients sign in\n"
          "with `resume`. Latency runs from the time a message was due by the send schedule,\n"
          "carried in its text, to its arrival at each member, so open-loop schedules count\n"
          "queueing too. Server CPU is the user + system seconds of the server process during\n"
          "the scenario (in brackets: cores busy on average); RSS is its resident memory;\n"
          "\"gen. cores\" is the generator's own CPU, to show whether it was the bottleneck. The\n"
          "generator and the servers share two cores with whatever else runs on the machine\n"
          "(the load average is in each row), so compare figures within one run, as ratios,\n"
          "rather than across runs.\n\n"_s;
    md += u"- Date: %1; size preset `%2`; %3 cores; %4; Qt %5; %6\n"_s.arg(
        run.value("date"_L1).toString(), sizes.value("preset"_L1).toString(),
        QString::number(machine.value("cores"_L1).toInt()), machine.value("kernel"_L1).toString(),
        machine.value("qt"_L1).toString(), machine.value("openssl"_L1).toString());
    const auto peers = run.value("peers"_L1).toArray();
    if (!peers.isEmpty()) {
        QStringList names;
        for (const auto &peer : peers)
            names << peer.toString();
        md += u"- Peers: %1\n"_s.arg(names.join(u", "_s));
    }
    md += u"- Command: `%1`\n"_s.arg(run.value("command"_L1).toString());
    md += u"- Results: `%1`\n\n"_s.arg(run.value("json_file"_L1).toString());

    if (const auto list = resultsOf(run, "connections"_L1); !list.isEmpty()) {
        md += u"### Idle connections\n\n%1 signed-in connections, held %2 s.\n\n"_s.arg(
            QString::number(sizes.value("connections"_L1).toInt()),
            QString::number(sizes.value("hold_s"_L1).toInt()));
        md += u"| server | held | set-up s | opened/s | connect p50 ms | connect p99 ms | "
              "RSS idle → connected MiB | KiB per connection | server CPU s (cores) | "
              "peak RSS MiB | gen. cores | errors | load avg |\n"_s;
        md += u"|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"_s;
        for (const auto &r : list) {
            const auto c = r.value("connections"_L1).toObject();
            const auto s = r.value("server"_L1).toObject();
            md += u"| %1 | %2 | %3 | %4 | %5 | %6 | %7 → %8 | %9 | "_s.arg(
                title(r), QString::number(c.value("held"_L1).toInteger()),
                number(c.value("setup_s"_L1).toDouble()),
                number(c.value("opened_per_s"_L1).toDouble(), 0),
                ms(c.value("connect_ms"_L1).toObject(), "p50_ms"_L1),
                ms(c.value("connect_ms"_L1).toObject(), "p99_ms"_L1),
                number(s.value("rss_idle_mib"_L1).toDouble(), 0),
                number(s.value("rss_connected_mib"_L1).toDouble(), 0),
                number(s.value("kib_per_connection"_L1).toDouble(), 1));
            md += serverCells(r) + u" | "_s + errorsCell(r.value("errors"_L1).toObject()) + u" | "_s
                + r.value("load_average_start"_L1).toString() + u" |\n"_s;
        }
        md += u"\n"_s;
    }

    if (const auto list = resultsOf(run, "fanout"_L1); !list.isEmpty()) {
        md += u"### Fan-out\n\n%1 rooms × %2 members, %3 messages a second offered on a fixed "
              "schedule for\n%4 s, each delivered to every member (the sender included). "
              "\"gen. send lag\" is how\nlate the generator itself sent against the "
              "schedule: that much of the latency is\nthe generator's.\n\n"_s.arg(
                  QString::number(sizes.value("fanout_rooms"_L1).toInt()),
                  QString::number(sizes.value("fanout_members"_L1).toInt()),
                  number(sizes.value("fanout_rate"_L1).toDouble(), 0),
                  QString::number(sizes.value("fanout_s"_L1).toInt()));
        md += u"| server | accepted/s | deliveries/s | latency p50 ms | p95 | p99 | max | "
              "gen. send lag p99 ms | lost | server CPU s (cores) | peak RSS MiB | gen. cores | "
              "server CPU µs per delivery, traffic only | errors | load avg |\n"_s;
        md += u"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"_s;
        for (const auto &r : list) {
            const auto m = r.value("messages"_L1).toObject();
            const auto d = r.value("deliveries"_L1).toObject();
            md += u"| %1 | %2 | %3 | %4 | %5 | %6 | "_s.arg(
                title(r), number(m.value("accepted_per_s"_L1).toDouble()),
                number(d.value("per_s"_L1).toDouble()),
                latencyCells(d.value("latency"_L1).toObject()),
                ms(m.value("send_lag"_L1).toObject(), "p99_ms"_L1),
                QString::number(d.value("lost"_L1).toInteger()
                                + m.value("unanswered"_L1).toInteger()));
            const auto traffic = r.value("traffic"_L1).toObject();
            md += serverCells(r) + u" | "_s
                + (traffic.isEmpty()
                       ? u"–"_s
                       : number(traffic.value("server_cpu_us_per_delivery"_L1).toDouble(), 1))
                + u" | "_s + errorsCell(r.value("errors"_L1).toObject()) + u" | "_s
                + r.value("load_average_start"_L1).toString() + u" |\n"_s;
        }
        md += u"\n"_s;
    }

    if (const auto list = resultsOf(run, "ingest"_L1); !list.isEmpty()) {
        md += u"### Ingest at saturation\n\n%1 senders, each in a room of its own with %2 "
              "messages\nunacknowledged at any time, for %3 s (the first second not counted). "
              "confabd\nacknowledges after commit; ejabberd's acceptance is the room's "
              "reflection after\narchiving; mosquitto (QoS 0, no persistence) has none, its "
              "echo to the publisher\nstands in.\n\n"_s.arg(
                  QString::number(sizes.value("ingest_senders"_L1).toInt()),
                  QString::number(sizes.value("ingest_window"_L1).toInt()),
                  QString::number(sizes.value("ingest_s"_L1).toInt()));
        md += u"| server | accepted/s | ack p50 ms | p95 | p99 | max | not persisted or lost | "
              "server CPU s (cores) | peak RSS MiB | gen. cores | errors | load avg |\n"_s;
        md += u"|---|---|---|---|---|---|---|---|---|---|---|---|\n"_s;
        for (const auto &r : list) {
            const auto m = r.value("messages"_L1).toObject();
            const auto d = r.value("deliveries"_L1).toObject();
            md += u"| %1 | %2 | %3 | %4 | "_s.arg(
                title(r), number(m.value("accepted_per_s"_L1).toDouble()),
                latencyCells(m.value("accept_latency"_L1).toObject()),
                QString::number(m.value("not_persisted"_L1).toInteger()
                                + m.value("unanswered"_L1).toInteger()
                                + d.value("lost"_L1).toInteger()));
            md += serverCells(r) + u" | "_s + errorsCell(r.value("errors"_L1).toObject()) + u" | "_s
                + r.value("load_average_start"_L1).toString() + u" |\n"_s;
        }
        md += u"\n"_s;
    }

    if (const auto list = resultsOf(run, "history"_L1); !list.isEmpty()) {
        md += u"### History pages\n\nA room of %1 messages; %2 timed fetches of 50 messages per "
              "position, one\nat a time. \"store\" is `confab-history-bench` (the store's query "
              "alone), \"wss\" the\nround trip of a `history` or `sync` request through "
              "confabd.\n\n"_s.arg(QString::number(sizes.value("history_messages"_L1).toInteger()),
                                   QString::number(sizes.value("history_samples"_L1).toInt()));
        QString head = u"| position |"_s;
        QString rule = u"|---|"_s;
        for (const auto &r : list) {
            head += u" %1 store median ms | store p99 | wss median ms | wss p99 |"_s.arg(title(r));
            rule += u"---|---|---|---|"_s;
        }
        md += head + u"\n"_s + rule + u"\n"_s;
        const auto positions = list.first().value("over_wss"_L1).toArray();
        for (qsizetype p = 0; p < positions.size(); ++p) {
            md += u"| "_s + positions.at(p).toObject().value("position"_L1).toString() + u" |"_s;
            for (const auto &r : list) {
                const auto store = r.value("store"_L1).toArray().at(p).toObject();
                const auto wss = r.value("over_wss"_L1).toArray().at(p).toObject();
                md += u" %1 | %2 | %3 | %4 |"_s.arg(
                    store.isEmpty() ? u"–"_s : number(store.value("median_ms"_L1).toDouble(), 2),
                    store.isEmpty() ? u"–"_s : number(store.value("p99_ms"_L1).toDouble(), 2),
                    ms(wss, "p50_ms"_L1), ms(wss, "p99_ms"_L1));
            }
            md += u"\n"_s;
        }
        md += u"\n"_s;
    }

    if (const auto list = resultsOf(run, "reconnect-storm"_L1); !list.isEmpty()) {
        md += u"### Reconnect storm\n\n%1 clients in rooms of %2 drop at once; %3 messages "
              "are written to\neach room meanwhile; then all reconnect at the same moment, "
              "`resume` and `sync`\nfrom the last seq they saw.\n\n"_s.arg(
                  QString::number(sizes.value("storm_clients"_L1).toInt()),
                  QString::number(sizes.value("storm_room_size"_L1).toInt()),
                  QString::number(sizes.value("storm_missed"_L1).toInt()));
        md += u"| server | caught up | all caught up s | per client p50 ms | p95 | p99 | max | "
              "missing events | retries | server CPU s (cores) | peak RSS MiB | gen. cores | "
              "errors | load avg |\n"_s;
        md += u"|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"_s;
        for (const auto &r : list) {
            const auto c = r.value("catch_up"_L1).toObject();
            md += u"| %1 | %2 | %3 | %4 | %5 | %6 | "_s.arg(
                title(r), QString::number(c.value("caught_up"_L1).toInteger()),
                number(c.value("all_caught_up_s"_L1).toDouble(), 2),
                latencyCells(c.value("per_client"_L1).toObject()),
                QString::number(c.value("missing_events"_L1).toInteger()),
                QString::number(
                    r.value("connections"_L1).toObject().value("retries"_L1).toInteger()));
            md += serverCells(r) + u" | "_s + errorsCell(r.value("errors"_L1).toObject()) + u" | "_s
                + r.value("load_average_start"_L1).toString() + u" |\n"_s;
        }
        md += u"\n"_s;
    }

    // Ratios: confabd on PostgreSQL against ejabberd (both archive into PostgreSQL), confabd
    // on SQLite against mosquitto (which keeps nothing).
    const bool haveXmpp = !resultFor(run, "fanout"_L1, u"ejabberd"_s).isEmpty()
        || !resultFor(run, "connections"_L1, u"ejabberd"_s).isEmpty();
    const bool haveMqtt = !resultFor(run, "fanout"_L1, u"mosquitto"_s).isEmpty()
        || !resultFor(run, "connections"_L1, u"mosquitto"_s).isEmpty();
    if (haveXmpp || haveMqtt) {
        struct Figure
        {
            const char *scenario;
            const char *label;
            QStringList path;
        };
        const QList<Figure> figures {
            { "connections",
              "KiB per connection (lower is better)",
              { u"server"_s, u"kib_per_connection"_s } },
            { "connections",
              "server CPU s, opening and holding (lower is better)",
              { u"server"_s, u"cpu_s"_s } },
            { "fanout", "deliveries/s (higher is better)", { u"deliveries"_s, u"per_s"_s } },
            { "fanout",
              "delivery p50 ms (lower is better)",
              { u"deliveries"_s, u"latency"_s, u"p50_ms"_s } },
            { "fanout",
              "delivery p99 ms (lower is better)",
              { u"deliveries"_s, u"latency"_s, u"p99_ms"_s } },
            { "fanout", "server CPU s (lower is better)", { u"server"_s, u"cpu_s"_s } },
            { "fanout",
              "server CPU µs per delivery, traffic only (lower is better)",
              { u"traffic"_s, u"server_cpu_us_per_delivery"_s } },
            { "fanout", "server peak RSS (lower is better)", { u"server"_s, u"rss_peak_mib"_s } },
            { "ingest", "accepted/s (higher is better)", { u"messages"_s, u"accepted_per_s"_s } },
            { "ingest",
              "ack p99 ms (lower is better)",
              { u"messages"_s, u"accept_latency"_s, u"p99_ms"_s } },
        };
        md += u"### Ratios to the peers, same run\n\nconfabd's figure divided by the peer's: "
              "confabd on PostgreSQL\nagainst ejabberd (both archive into the same "
              "PostgreSQL), confabd on SQLite against\nmosquitto (which stores nothing). History "
              "pages and the reconnect storm run on\nconfabd only: the generator does not speak "
              "XMPP's archive queries (XEP-0313), and\nmosquitto keeps no archive.\n\n"_s;
        md += u"| scenario | figure |"_s;
        QString rule = u"|---|---|"_s;
        if (haveXmpp) {
            md += u" confabd (PostgreSQL) / ejabberd |"_s;
            rule += u"---|"_s;
        }
        if (haveMqtt) {
            md += u" confabd (SQLite) / mosquitto |"_s;
            rule += u"---|"_s;
        }
        md += u"\n"_s + rule + u"\n"_s;
        for (const auto &figure : figures) {
            const auto scenario = QLatin1StringView(figure.scenario);
            md += u"| %1 | %2 |"_s.arg(scenario, QString::fromUtf8(figure.label));
            if (haveXmpp)
                md += u" %1 |"_s.arg(
                    ratio(at(resultFor(run, scenario, u"confabd-postgres"_s), figure.path),
                          at(resultFor(run, scenario, u"ejabberd"_s), figure.path)));
            if (haveMqtt)
                md += u" %1 |"_s.arg(
                    ratio(at(resultFor(run, scenario, u"confabd-sqlite"_s), figure.path),
                          at(resultFor(run, scenario, u"mosquitto"_s), figure.path)));
            md += u"\n"_s;
        }
        md += u"\n"_s;
    }

    QStringList problems;
    for (const auto &value : run.value("results"_L1).toArray()) {
        const auto result = value.toObject();
        for (const auto &problem : result.value("problems"_L1).toArray())
            problems << u"- %1, %2: %3"_s.arg(result.value("scenario"_L1).toString(), title(result),
                                              problem.toString());
        const auto server = result.value("server"_L1).toObject();
        const auto errors = result.value("errors"_L1).toObject();
        if (!errors.isEmpty())
            problems << u"- %1, %2: errors on the way (retried, not lost): %3"_s.arg(
                result.value("scenario"_L1).toString(), title(result), errorsCell(errors));
        if (const qint64 timeouts = server.value("handshake_timeouts"_L1).toInteger())
            problems << u"- %1, %2: confabd dropped %3 connections whose TLS and WebSocket "
                        "handshake took longer than its handshake timeout"_s
                            .arg(result.value("scenario"_L1).toString(), title(result))
                            .arg(timeouts);
        for (const auto &line : server.value("log_lines"_L1).toArray())
            problems << u"- %1, %2, server log: `%3`"_s.arg(result.value("scenario"_L1).toString(),
                                                            title(result), line.toString());
    }
    md += u"### What went wrong\n\n"_s;
    md += problems.isEmpty() ? u"Nothing: no errors, nothing lost, no warnings in the logs.\n"_s
                             : problems.join(u'\n') + u"\n"_s;
    return md;
}

bool replaceSection(const QString &path, const QString &heading, const QString &section,
                    const QString &intro, QString *error)
{
    QFile file(path);
    QString text;
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = file.errorString();
            return false;
        }
        text = QString::fromUtf8(file.readAll());
        file.close();
    } else {
        text = intro;
    }
    const QString level = heading.section(u' ', 0, 0) + u' ';
    qsizetype start = text.startsWith(heading + u'\n') ? 0 : text.indexOf(u'\n' + heading + u'\n');
    if (start < 0) {
        if (!text.endsWith(u"\n\n"_s))
            text += text.endsWith(u'\n') ? u"\n"_s : u"\n\n"_s;
        text += section;
    } else {
        if (start > 0)
            ++start;
        qsizetype end = text.indexOf(u'\n' + level, start + heading.size());
        end = end < 0 ? text.size() : end + 1;
        text.replace(start, end - start, section + (end < text.size() ? u"\n"_s : QString()));
    }
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text.toUtf8()) < 0) {
        *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace confab::bench
