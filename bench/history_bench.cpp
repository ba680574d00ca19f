// How long a history page and a sync take as a room's archive grows: the page at the newest,
// the middle and the oldest end of a room with N messages, through the store's own queries.
//
//   confab-history-bench --backend sqlite|postgres --messages 1000000 --samples 300
//                        [--json FILE]
//
// For postgres, CONFAB_TEST_POSTGRES_URL names a role that may create databases (the bench
// makes a fresh one and drops it afterwards).
#include "Seeder.h"
#include "TestDatabase.h"
#include "store/AccountStore.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/RoomStore.h"
#include "store/TimelineStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace confab::server;

namespace {

QTextStream out(stdout);

struct Figures
{
    double medianMs;
    double p99Ms;
    double maxMs;
};

Figures measure(int samples, const std::function<void()> &run)
{
    QList<double> times;
    for (int i = 0; i < samples; ++i) {
        QElapsedTimer timer;
        timer.start();
        run();
        times.append(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return { times.at(times.size() / 2),
             times.at(std::min<qsizetype>(times.size() - 1, times.size() * 99 / 100)),
             times.constLast() };
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({ u"backend"_s, u"sqlite or postgres"_s, u"name"_s, u"sqlite"_s });
    parser.addOption({ u"messages"_s, u"Messages in the room"_s, u"count"_s, u"1000000"_s });
    parser.addOption({ u"samples"_s, u"Timed repetitions per position"_s, u"count"_s, u"300"_s });
    parser.addOption({ u"json"_s, u"Also write the figures to this file as JSON"_s, u"file"_s });
    parser.process(app);
    qputenv("CONFAB_TEST_BACKEND", parser.value(u"backend"_s).toUtf8());
    const qint64 messages = parser.value(u"messages"_s).toLongLong();
    const int samples = parser.value(u"samples"_s).toInt();

    QTemporaryDir dir;
    QString error;
    auto testDatabase = confab::test::TestDatabase::create(dir.path(), &error);
    if (!testDatabase) {
        out << error << Qt::endl;
        return 1;
    }
    const auto url = DatabaseUrl::parse(testDatabase->url(), &error);
    Database db(*url, u"bench"_s);
    if (!db.open(&error) || !Migrations::apply(db, &error)) {
        out << error << Qt::endl;
        return 1;
    }
    AccountStore accounts(db);
    RoomStore rooms(db);
    TimelineStore timeline(db, rooms);
    const auto user = accounts.createUser(u"bench"_s, u"x"_s, 1);
    const auto room
        = rooms.create(user->id, u"archive"_s, QString(), confab::protocol::Visibility::Public, 1);

    out << "seeding " << messages << " messages into " << url->redacted() << Qt::endl;
    QElapsedTimer seeding;
    seeding.start();
    const auto progress = [timer = QElapsedTimer(), messages](qint64 done) mutable {
        if (!timer.isValid())
            timer.start();
        if (timer.elapsed() > 5000) {
            out << "  seeded " << done << " of " << messages << Qt::endl;
            timer.restart();
        }
    };
    if (!confab::bench::seedArchive(db, room->id, user->id, messages, progress, &error)) {
        out << error << Qt::endl;
        return 1;
    }
    out << "seeded in " << seeding.elapsed() / 1000.0 << " s" << Qt::endl;
    if (url->dialect == Dialect::Postgres)
        db.execDirect(u"ANALYZE events"_s, &error);

    const qint64 last = messages;
    struct Position
    {
        const char *name;
        std::function<void()> run;
    };
    const QList<Position> positions {
        { "history, newest page", [&] { timeline.history(user->id, room->id, std::nullopt, 50); } },
        { "history, middle page", [&] { timeline.history(user->id, room->id, last / 2, 50); } },
        { "history, oldest page", [&] { timeline.history(user->id, room->id, 51, 50); } },
        { "sync 500 from the middle",
          [&] {
              timeline.sync(user->id, { { room->id, last / 2 } }, 500);
          } },
    };
    // Sanity: the pages hold what they should.
    const auto oldest = timeline.history(user->id, room->id, 51, 50);
    if (!oldest || oldest->messages.size() != 50 || oldest->messages.constLast().seq != 1) {
        out << "oldest page is wrong" << Qt::endl;
        return 1;
    }

    out << "\n| " << parser.value(u"backend"_s) << ", " << messages
        << " messages | median ms | p99 ms | max ms |\n"
        << "|---|---|---|---|\n";
    QJsonArray rows;
    for (const auto &position : positions) {
        position.run(); // warm the caches and the prepared statement
        const auto figures = measure(samples, position.run);
        rows.append(QJsonObject { { "position"_L1, QString::fromLatin1(position.name) },
                                  { "median_ms"_L1, figures.medianMs },
                                  { "p99_ms"_L1, figures.p99Ms },
                                  { "max_ms"_L1, figures.maxMs } });
        out << "| " << position.name << " | " << QString::number(figures.medianMs, 'f', 3) << " | "
            << QString::number(figures.p99Ms, 'f', 3) << " | "
            << QString::number(figures.maxMs, 'f', 3) << " |\n";
    }
    out.flush();
    if (parser.isSet(u"json"_s)) {
        QFile file(parser.value(u"json"_s));
        const QJsonObject result { { "backend"_L1, parser.value(u"backend"_s) },
                                   { "messages"_L1, messages },
                                   { "samples"_L1, samples },
                                   { "positions"_L1, rows } };
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(QJsonDocument(result).toJson()) < 0) {
            out << "cannot write " << file.fileName() << ": " << file.errorString() << Qt::endl;
            return 1;
        }
    }
    return 0;
}
