// The floor under the fan-out: what loopback TCP and OpenSSL alone cost per delivery on this
// machine, with nothing of Confab's in between. One process plays the server's side (TLS
// server, one record and one send() per recipient, as confabd writes a push) and a forked one
// the clients' side (every connection in one epoll set, each record decrypted and its send time
// read out of the frame). Each runs one thread with the TLS contexts confabd and the load
// generator use, in the fan-out's shape: rooms of members, one message a room at a time, open
// loop. Whatever rate this cannot carry with a low p99, confabd and its clients cannot either.
// With --plain the same runs without TLS, which leaves the kernel's part. See
// docs/benchmarks.md, "The floor under the fan-out, measured".
//
//   confab-tls-floor [--connections 10000] [--members 100] [--rates 20000,60000,100000]
//                    [--seconds 10] [--frame-bytes 240] [--plain] [--json FILE]
#include "FileLimit.h"
#include "Frame.h"
#include "Receiver.h"
#include "Sender.h"
#include "net/TlsContext.h"
#include "net/TlsIdentity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <arpa/inet.h>
#include <cmath>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace confab::bench;
using namespace confab::bench::floor;
using confab::server::TlsContext;
using confab::server::TlsIdentity;

namespace {

QTextStream out(stdout);

int listenOnLoopback(int *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(fd, SOMAXCONN) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        return -1;
    *port = ntohs(address.sin_port);
    return fd;
}

// What a case's report shows, derived once from what the two sides counted.
struct CaseSummary
{
    qint64 lost = 0;
    qint64 errors = 0;
    double deliveredPerS = 0;
    double senderCores = 0;
    double receiverCores = 0;
    double senderUsPerDelivery = 0;
    double receiverUsPerDelivery = 0;

    explicit CaseSummary(const RateFigures &f)
        : lost(f.sent - f.received.delivered)
        , errors(f.received.errors + f.failedWrites)
    {
        const double wallNs = double(std::max<qint64>(f.wallNs, 1));
        deliveredPerS = std::round(double(f.received.delivered) * 1e9 / wallNs);
        senderCores = double(f.senderCpuNs) / wallNs;
        receiverCores = double(f.received.cpuNs) / wallNs;
        if (const double delivered = double(f.received.delivered); delivered > 0) {
            senderUsPerDelivery = double(f.senderCpuNs) / 1e3 / delivered;
            receiverUsPerDelivery = double(f.received.cpuNs) / 1e3 / delivered;
        }
    }
};

QJsonObject toJson(const RateFigures &f, const CaseSummary &c)
{
    return { { "offered_per_s"_L1, f.offeredPerS },
             { "sent"_L1, f.sent },
             { "delivered"_L1, f.received.delivered },
             { "lost"_L1, c.lost },
             { "errors"_L1, c.errors },
             { "blocked_writes"_L1, f.blockedWrites },
             { "delivered_per_s"_L1, c.deliveredPerS },
             { "p50_ms"_L1, f.received.p50Ms },
             { "p99_ms"_L1, f.received.p99Ms },
             { "max_ms"_L1, f.received.maxMs },
             { "sender_cores"_L1, c.senderCores },
             { "receiver_cores"_L1, c.receiverCores },
             { "sender_us_per_delivery"_L1, c.senderUsPerDelivery },
             { "receiver_us_per_delivery"_L1, c.receiverUsPerDelivery } };
}

QString toLine(const RateFigures &f, const CaseSummary &c)
{
    return u"offered %1/s  delivered %2/s  p50 %3 ms  p99 %4 ms  max %5 ms  sender %6 cores "
           "(%7 µs)  receiver %8 cores (%9 µs)  lost %10  errors %11"_s.arg(f.offeredPerS)
               .arg(c.deliveredPerS, 0, 'f', 0)
               .arg(f.received.p50Ms, 0, 'f', 2)
               .arg(f.received.p99Ms, 0, 'f', 2)
               .arg(f.received.maxMs, 0, 'f', 1)
               .arg(c.senderCores, 0, 'f', 2)
               .arg(c.senderUsPerDelivery, 0, 'f', 2)
               .arg(c.receiverCores, 0, 'f', 2)
               .arg(c.receiverUsPerDelivery, 0, 'f', 2)
               .arg(c.lost)
               .arg(c.errors);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Deliveries a second that loopback TCP and OpenSSL alone carry, in the fan-out's shape"_s);
    parser.addHelpOption();
    parser.addOption(
        { u"connections"_s, u"Connections, all of them in rooms"_s, u"n"_s, u"10000"_s });
    parser.addOption(
        { u"members"_s, u"Members of a room: the records a message becomes"_s, u"n"_s, u"100"_s });
    parser.addOption({ u"rates"_s, u"Deliveries a second offered, one case each"_s, u"list"_s,
                       u"20000,60000,100000"_s });
    parser.addOption({ u"seconds"_s, u"Seconds per case"_s, u"s"_s, u"10"_s });
    parser.addOption({ u"frame-bytes"_s,
                       u"A delivery's WebSocket frame, header included (a fan-out push of a "
                       "100-byte text is about 240)"_s,
                       u"n"_s, u"240"_s });
    parser.addOption({ u"plain"_s, u"Plain TCP, no TLS: the kernel's part alone"_s });
    parser.addOption({ u"json"_s, u"Also write the figures to this file"_s, u"file"_s });
    parser.process(app);
    const int members = std::max(1, parser.value(u"members"_s).toInt());
    const int connections
        = std::max(members, parser.value(u"connections"_s).toInt()) / members * members;
    const int seconds = std::max(1, parser.value(u"seconds"_s).toInt());
    const int frameBytes
        = std::clamp(parser.value(u"frame-bytes"_s).toInt(), kMinFrameBytes, kMaxFrameBytes);
    QList<int> rates;
    for (const auto &rate : parser.value(u"rates"_s).split(u',', Qt::SkipEmptyParts))
        rates.append(std::max(members, rate.toInt()));

    raiseFileLimit();
    QTemporaryDir dir;
    QString error;
    const auto identity = TlsIdentity::loadOrGenerate(dir.filePath(u"cert.pem"_s),
                                                      dir.filePath(u"key.pem"_s), &error);
    const bool plain = parser.isSet(u"plain"_s);
    const auto serverTls = identity ? TlsContext::forServer(*identity, &error) : nullptr;
    const auto clientTls
        = identity ? TlsContext::forClient(identity->certificate, &error) : nullptr;
    int port = 0;
    const int listener = serverTls && clientTls ? listenOnLoopback(&port) : -1;
    int control[2] = { -1, -1 };
    if (listener < 0 || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0) {
        out << (error.isEmpty() ? u"Cannot listen on loopback"_s : error) << Qt::endl;
        return 1;
    }
    out.flush();
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(listener);
        ::close(control[0]);
        Receiver receiver(plain ? nullptr : clientTls.get(), port, connections, control[1]);
        ::_exit(receiver.run());
    }
    ::close(control[1]);

    out << (plain ? "Plain TCP floor: " : "TLS floor: ") << connections << " connections, rooms of "
        << members << ", " << frameBytes << "-byte frames, " << seconds << " s a case" << Qt::endl;
    Sender sender(plain ? nullptr : serverTls.get(), listener, connections, members, frameBytes,
                  control[0]);
    error = sender.acceptAll();
    QJsonArray cases;
    bool clean = error.isEmpty();
    for (const int rate : rates) {
        if (!error.isEmpty())
            break;
        RateFigures figures;
        error = sender.runRate(rate, seconds, &figures);
        if (!error.isEmpty())
            break;
        const CaseSummary summary(figures);
        cases.append(toJson(figures, summary));
        clean = clean && summary.lost == 0 && summary.errors == 0;
        out << toLine(figures, summary) << Qt::endl;
    }
    ::close(control[0]); // the receiver's cue to leave
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!error.isEmpty())
        out << error << Qt::endl;
    if (const QString path = parser.value(u"json"_s); !path.isEmpty()) {
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(QJsonDocument(QJsonObject { { "connections"_L1, connections },
                                                   { "members"_L1, members },
                                                   { "frame_bytes"_L1, frameBytes },
                                                   { "tls"_L1, !plain },
                                                   { "seconds"_L1, seconds },
                                                   { "cases"_L1, cases } })
                           .toJson());
    }
    return error.isEmpty() && clean ? 0 : 1;
}
