// How long a history page and a sync take as a room's archive grows: the page at the newest,
// the middle and the oldest end of a room with N messages, through the store's own queries.
//
//   confab-history-bench --backend sqlite|postgres --messages 1000000 --samples 300
//
// For postgres, CONFAB_TEST_POSTGRES_URL names a role that may create databases (the bench
// makes a fresh one and drops it afterwards).
#include "TestDatabase.h"
#include "store/AccountStore.h"
#include "store/Database.h"
#include "store/Migrations.h"
#include "store/RoomStore.h"
#include "store/TimelineStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
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

// Fills one room with `count` messages by multi-row inserts of bound values, much faster
// than the server's own path and the same rows as far as reading them is concerned.
bool seed(Database &db, qint64 roomId, qint64 userId, qint64 count)
{
    constexpr int kRowsPerStatement = 100;
    constexpr int kStatementsPerTransaction = 100;
    QString insert
        = u"INSERT INTO events (room_id, seq, kind, sender_id, client_id, body, created_at) VALUES "_s;
    for (int i = 0; i < kRowsPerStatement; ++i)
        insert += (i ? u", "_s : QString()) + u"(?, ?, 0, ?, ?, ?, ?)"_s;
    QElapsedTimer progress;
    progress.start();
    qint64 seq = 0;
    while (seq < count) {
        Transaction transaction(db);
        for (int s = 0; s < kStatementsPerTransaction && seq + kRowsPerStatement <= count; ++s) {
            QVariantList values;
            values.reserve(kRowsPerStatement * 6);
            for (int i = 0; i < kRowsPerStatement; ++i) {
                ++seq;
                values
                    << roomId << seq << userId << u"seed-%1"_s.arg(seq)
                    << u"Message number %1, about a hundred bytes long like a typical line of chat."_s
                           .arg(seq)
                    << qint64(1'700'000'000'000) + seq;
            }
            auto &query = db.exec(insert, values);
            query.finish();
            if (db.lastFailed()) {
                out << "insert failed at seq " << seq << Qt::endl;
                return false;
            }
        }
        if (!transaction.commit())
            return false;
        if (progress.elapsed() > 5000) {
            out << "  seeded " << seq << " of " << count << Qt::endl;
            progress.restart();
        }
        if (seq + kRowsPerStatement > count)
            break;
    }
    return db.execOk(u"UPDATE rooms SET last_seq = ? WHERE id = ?"_s, { seq, roomId });
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
    if (!seed(db, room->id, user->id, messages))
        return 1;
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
    for (const auto &position : positions) {
        position.run(); // warm the caches and the prepared statement
        const auto figures = measure(samples, position.run);
        out << "| " << position.name << " | " << QString::number(figures.medianMs, 'f', 3) << " | "
            << QString::number(figures.p99Ms, 'f', 3) << " | "
            << QString::number(figures.maxMs, 'f', 3) << " |\n";
    }
    out.flush();
    return 0;
}
