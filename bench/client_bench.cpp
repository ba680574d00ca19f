// The desktop client's figures for docs/benchmarks.md: how long a start with a warm cache
// takes to paint the timeline, how long an older page of 50 messages takes to appear, and
// how much memory the client holds after scrolling through a room of 100,000 messages.
// Everything is the real client - ChatClient, the QML of Main.qml - on the offscreen platform
// with Qt Quick's software renderer, against a real confabd on SQLite.
//
//   confab-client-bench [--messages 100000] [--starts 5]
//
// The archive is written straight into the server's database (bench/common/Seeder); the
// client then signs in with the seeded token, as after an earlier sign-in.

#include "ClientHarness.h"
#include "Pinning.h"
#include "Seeder.h"
#include "ServerProcess.h"
#include "Wait.h"
#include "app/ChatClient.h"
#include "app/Settings.h"
#include "app/TokenStore.h"
#include "cache/Cache.h"
#include "models/RoomListModel.h"
#include "models/TimelineModel.h"
#include "net/CertificatePins.h"
#include "net/Session.h"
#include "store/Database.h"
#include "store/DatabaseUrl.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QQuickItem>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using client::TimelineModel;

namespace {

QTextStream out(stdout);
constexpr auto kTimeout = std::chrono::seconds(60);

struct Figures
{
    double median = 0;
    double p95 = 0;
    double max = 0;
    qsizetype count = 0;
};

Figures figuresOf(QList<double> samples)
{
    if (samples.isEmpty())
        return {};
    std::sort(samples.begin(), samples.end());
    return { samples.at(samples.size() / 2),
             samples.at(std::min<qsizetype>(samples.size() - 1, samples.size() * 95 / 100)),
             samples.constLast(), samples.size() };
}

QString row(const QString &what, const Figures &figures)
{
    return u"| %1 | %2 | %3 | %4 | %5 |"_s.arg(what)
        .arg(figures.median, 0, 'f', 1)
        .arg(figures.p95, 0, 'f', 1)
        .arg(figures.max, 0, 'f', 1)
        .arg(figures.count);
}

// "VmRSS" or "VmHWM" of this process, in MiB.
double memoryMiB(QByteArrayView field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    const auto lines = status.readAll().split('\n');
    for (const auto &line : lines) {
        if (line.startsWith(field))
            return line.mid(field.size() + 1).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

QQuickItem *findByName(QQuickItem *item, const QString &name)
{
    if (!item)
        return nullptr;
    if (item->objectName() == name && item->isVisible())
        return item;
    const auto children = item->childItems();
    for (auto *child : children) {
        if (auto *found = findByName(child, name))
            return found;
    }
    return nullptr;
}

bool nextFrame(QQuickWindow *window)
{
    QSignalSpy frame(window, &QQuickWindow::frameSwapped);
    window->update();
    return frame.wait(5000);
}

// The child process of the warm-start measurement: start the client on a data directory
// whose cache is warm, and say when the first frame with messages on screen has been drawn.
// startedNs: when the parent started this process, on the steady clock that both share.
int firstPaint(const QString &dataDir, qint64 startedNs)
{
    test::ClientHarness harness(dataDir);
    QString error;
    if (!harness.start(&error)) {
        out << "error: " << error << Qt::endl;
        return 1;
    }
    QQuickWindow *window = harness.window();
    bool painted = false;
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [&] {
        auto *room = harness.client()->currentRoom();
        if (room && room->timeline()->rowCount() > 0
            && findByName(window->contentItem(), u"messageText"_s))
            painted = true;
    });
    if (!test::waitUntil([&] { return painted; }, kTimeout)) {
        out << "error: no timeline was painted" << Qt::endl;
        return 1;
    }
    const qint64 nowNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
    out << "painted " << double(nowNs - startedNs) / 1e6 << Qt::endl;
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("CONFAB_SERVER_BINARY"))
        qputenv("CONFAB_SERVER_BINARY", CONFAB_BENCH_SERVER_BINARY);
    qputenv("CONFAB_TEST_BACKEND", "sqlite");
    QApplication app(argc, argv);

    QCommandLineParser parser;
    parser.addOptions({
        { u"messages"_s, u"Messages in the archive room."_s, u"n"_s, u"100000"_s },
        { u"starts"_s, u"Warm starts to time."_s, u"n"_s, u"5"_s },
        { u"first-paint"_s, u"(internal) Time one start on this data directory."_s, u"dir"_s },
        { u"started"_s, u"(internal) When that start began, steady clock, ns."_s, u"ns"_s },
    });
    parser.process(app);
    if (parser.isSet(u"first-paint"_s))
        return firstPaint(parser.value(u"first-paint"_s), parser.value(u"started"_s).toLongLong());
    const qint64 messages = parser.value(u"messages"_s).toLongLong();
    const int starts = parser.value(u"starts"_s).toInt();

    // A server with two users in four rooms, the first holding the archive.
    // The server's request budget is raised: the figures are the client's, and a user who
    // scrolls this fast through a default server waits for its rate limit now and then.
    test::ServerProcess server(u"[limits]\nrequests_per_second=100000\nrequest_burst=100000\n"_s);
    if (!server.start() || !server.stop()) {
        out << "error: " << server.errorString() << Qt::endl;
        return 1;
    }
    QString error;
    const auto url = server::DatabaseUrl::parse(server.databaseUrl(), &error);
    bench::SeededPopulation seeded;
    {
        QElapsedTimer seeding;
        seeding.start();
        server::Database db(*url, u"client-bench-seed"_s);
        const bench::Population population { 2, { { 0, 1 }, { 0, 1 }, { 0, 1 }, { 0, 1 } } };
        if (!url || !db.open(&error)
            || !bench::seedPopulation(db, population, u"cb"_s, &seeded, &error)
            || !bench::seedArchive(db, seeded.roomIds.at(0), seeded.userIds.at(1), messages, {},
                                   &error)) {
            out << "error: " << error << Qt::endl;
            return 1;
        }
        out << "seeded " << messages << " messages in " << seeding.elapsed() / 1000.0 << " s"
            << Qt::endl;
    }
    if (!server.start()) {
        out << "error: " << server.errorString() << Qt::endl;
        return 1;
    }

    // The client's data directory as an earlier sign-in leaves it.
    QTemporaryDir dataDir;
    const client::Settings::Account account { server.url(), seeded.userIds.at(0), u"cb0"_s };
    {
        client::Settings settings(QDir(dataDir.path()).filePath(u"settings.ini"_s));
        settings.setAccount(account);
        client::CertificatePins pins(QDir(dataDir.path()).filePath(u"pins.json"_s));
        QList<QSslError::SslError> errors;
        for (const auto &sslError :
             test::expectedSslErrors(server.certificate(), server.url().host()))
            errors.append(sslError.error());
        pins.pin(server.url().host(), server.port(), server.certificate(), errors);
        client::TokenStore tokens(QDir(dataDir.path()).filePath(u"tokens.json"_s),
                                  client::TokenStore::Backend::File);
        tokens.write(account.key(), seeded.tokens.at(0));
        QSignalSpy written(&tokens, &client::TokenStore::written);
        written.wait(5000);
    }

    // Scrolling from the newest message to the first, page by page, timing each page that
    // arrives while the user looks at the oldest message loaded.
    Figures cachePages;
    Figures serverPages;
    Figures pagesOnScreen;
    Figures cacheFrames;
    double rssBefore = 0;
    double rssAfter = 0;
    double peak = 0;
    qint64 seen = 0;
    {
        test::ClientHarness harness(dataDir.path());
        if (!harness.start(&error)) {
            out << "error: " << error << Qt::endl;
            return 1;
        }
        auto *client = harness.client();
        const qint64 archive = seeded.roomIds.at(0);
        if (!test::waitUntil([&] { return client->rooms()->contains(archive); }, kTimeout)) {
            out << "error: the client did not sign in: " << client->session()->connectionError()
                << Qt::endl;
            return 1;
        }
        client->openRoom(archive);
        if (!test::waitUntil(
                [&] {
                    return client->currentRoom() && client->currentRoom()->roomId() == archive
                        && client->currentRoom()->timeline()->rowCount() > 0;
                },
                kTimeout)) {
            out << "error: the archive did not open" << Qt::endl;
            return 1;
        }
        TimelineModel *model = client->currentRoom()->timeline();
        QQuickItem *view = harness.visibleItem(u"timelineView"_s);
        nextFrame(harness.window());
        rssBefore = memoryMiB("VmRSS");

        QSet<qint64> seqs;
        int inserted = 0;
        QObject::connect(model, &QAbstractItemModel::rowsInserted, model,
                         [&](const QModelIndex &, int first, int last) {
                             for (int row = first; row <= last; ++row)
                                 seqs.insert(
                                     model->index(row).data(TimelineModel::SeqRole).toLongLong());
                             if (first > 0)
                                 inserted += last - first + 1;
                         });
        for (int row = 0; row < model->rowCount(); ++row)
            seqs.insert(model->index(row).data(TimelineModel::SeqRole).toLongLong());

        QList<double> fromCache;
        QList<double> fromServer;
        QList<double> onScreen;
        client::Cache *cache = client->account()->cache();
        // Up to the first message, or for a number of pages.
        const auto scroll = [&](TimelineModel *timeline, QQuickItem *list, int maxPages) {
            for (int pages = 0; timeline->hasOlder() && pages < maxPages; ++pages) {
                QMetaObject::invokeMethod(list, "positionViewAtEnd");
                const auto settled = [&] {
                    const qreal fromTop
                        = list->property("contentY").toReal() - list->property("originY").toReal();
                    return !timeline->isLoadingOlder()
                        && (!timeline->hasOlder() || fromTop >= list->height());
                };
                test::waitUntil(settled, kTimeout);
                nextFrame(harness.window());
                if (!timeline->hasOlder())
                    break;
                const bool cached
                    = !cache->messagesBefore(archive, timeline->oldestSeq(), 1).isEmpty();
                inserted = 0;
                QElapsedTimer page;
                page.start();
                timeline->fetchOlder();
                if (!test::waitUntil([&] { return inserted > 0 || !timeline->hasOlder(); },
                                     kTimeout))
                    return false;
                const double modelMs = page.nsecsElapsed() / 1e6;
                nextFrame(harness.window());
                (cached ? fromCache : fromServer).append(modelMs);
                onScreen.append(page.nsecsElapsed() / 1e6);
            }
            return true;
        };
        if (!scroll(model, view, std::numeric_limits<int>::max())) {
            out << "error: a page did not come" << Qt::endl;
            return 1;
        }
        seen = seqs.size();
        serverPages = figuresOf(fromServer);
        pagesOnScreen = figuresOf(onScreen);
        rssAfter = memoryMiB("VmRSS");
        peak = memoryMiB("VmHWM");
        out << "scrolled through " << seen << " messages; " << model->rowCount()
            << " rows held at the end" << Qt::endl;

        // The same room opened again: now its newest pages are in the cache.
        client->openRoom(seeded.roomIds.at(1));
        test::waitUntil([&] { return client->currentRoom()->roomId() == seeded.roomIds.at(1); },
                        kTimeout);
        client->openRoom(archive);
        if (!test::waitUntil(
                [&] {
                    return client->currentRoom()->roomId() == archive
                        && client->currentRoom()->timeline()->rowCount() > 0
                        && harness.visibleItem(u"timelineView"_s);
                },
                kTimeout)) {
            out << "error: the archive did not open again" << Qt::endl;
            return 1;
        }
        model = client->currentRoom()->timeline();
        QObject::connect(model, &QAbstractItemModel::rowsInserted, model,
                         [&](const QModelIndex &, int first, int last) {
                             if (first > 0)
                                 inserted += last - first + 1;
                         });
        // Pages from the cache, one after the other, while the view shows the newest
        // messages: what a page costs the client alone.
        fromCache.clear();
        QList<double> cacheOnScreen;
        for (int i = 0; i < 18 && model->hasOlder(); ++i) {
            if (cache->messagesBefore(archive, model->oldestSeq(), 1).isEmpty())
                break;
            inserted = 0;
            QElapsedTimer page;
            page.start();
            model->fetchOlder();
            if (!test::waitUntil([&] { return inserted > 0; }, kTimeout)) {
                out << "error: a cached page did not come" << Qt::endl;
                return 1;
            }
            fromCache.append(page.nsecsElapsed() / 1e6);
            nextFrame(harness.window());
            cacheOnScreen.append(page.nsecsElapsed() / 1e6);
        }
        cacheFrames = figuresOf(cacheOnScreen);
        cachePages = figuresOf(fromCache);
    }
    if (!server.stop()) {
        out << "error: " << server.errorString() << Qt::endl;
        return 1;
    }

    // Starts with the warm cache the scroll left, each in a process of its own, offline (the
    // server is down: nothing but the cache can show).
    QList<double> toPaint;
    for (int i = 0; i < starts; ++i) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        const qint64 startedNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count();
        child.start(
            QCoreApplication::applicationFilePath(),
            { u"--first-paint"_s, dataDir.path(), u"--started"_s, QString::number(startedNs) });
        if (!child.waitForFinished(120'000)) {
            out << "error: the start did not finish" << Qt::endl;
            return 1;
        }
        const QString line = QString::fromUtf8(child.readAllStandardOutput()).trimmed();
        if (!line.startsWith("painted "_L1)) {
            out << "error: " << line << Qt::endl;
            return 1;
        }
        toPaint.append(line.mid(8).toDouble());
    }

    out << "\n| measurement | median | p95 | max | samples |\n|---|---|---|---|---|\n";
    out << row(u"process start to first painted timeline, warm cache (ms)"_s, figuresOf(toPaint))
        << "\n";
    out << row(u"older page of 50 from the cache, into the model (ms)"_s, cachePages) << "\n";
    out << row(u"older page of 50 from the server, into the model (ms)"_s, serverPages) << "\n";
    out << row(u"older page of 50 from the server, until the next frame is drawn (ms)"_s,
               pagesOnScreen)
        << "\n";
    out << row(u"older page of 50 from the cache, until the next frame is drawn (ms)"_s,
               cacheFrames)
        << "\n";
    out << u"\n| memory | MiB |\n|---|---|\n| resident with the archive open | %1 |\n"
           "| resident after scrolling through %2 messages | %3 |\n| peak resident | %4 |\n"_s
               .arg(rssBefore, 0, 'f', 1)
               .arg(seen)
               .arg(rssAfter, 0, 'f', 1)
               .arg(peak, 0, 'f', 1);
    out.flush();
    return seen == messages ? 0 : 1;
}
