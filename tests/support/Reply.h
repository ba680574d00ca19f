#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QLatin1StringView>
#include <QString>

#include <optional>

namespace confab::test {

// The server's reply to one request, or the reason none came.
class Reply
{
public:
    Reply() = default;
    Reply(QString request, QJsonObject frame);
    static Reply missing(QString request, QString reason);

    bool received() const { return m_received; }
    bool isOk() const;
    bool isError(QLatin1StringView code) const;

    const QJsonObject &frame() const { return m_frame; }
    QJsonObject result() const;
    // The id of the room in the result (create_room, join and the like); 0 when there is none.
    qint64 roomId() const;
    QString errorCode() const;
    QString errorMessage() const;
    std::optional<qint64> retryAfterMs() const;

    // What was asked and what came back, for failure messages.
    QByteArray describe() const;

private:
    QString m_request;
    QJsonObject m_frame;
    QString m_missingReason;
    bool m_received = false;
};

// Cuts long texts (a 16 KiB message, a page of history) down for failure messages.
QByteArray abbreviated(const QByteArray &text);

} // namespace confab::test

// Fail the current test function unless reply succeeded, naming the request and the reply.
#define CONFAB_VERIFY_OK(reply)                                                                    \
    do {                                                                                           \
        const ::confab::test::Reply &confabReply_ = (reply);                                       \
        QVERIFY2(confabReply_.isOk(),                                                              \
                 ("expected success: " + confabReply_.describe()).constData());                    \
    } while (false)

// Fail the current test function unless reply is the error code (a string literal), with a
// human-readable message as every refusal carries.
#define CONFAB_VERIFY_ERROR(reply, code)                                                           \
    do {                                                                                           \
        const ::confab::test::Reply &confabReply_ = (reply);                                       \
        QVERIFY2(confabReply_.isError(QLatin1StringView(code)),                                    \
                 ("expected error \"" + QByteArray(code) + "\": " + confabReply_.describe())       \
                     .constData());                                                                \
        QVERIFY2(                                                                                  \
            !confabReply_.errorMessage().isEmpty(),                                                \
            ("the error has no human-readable message: " + confabReply_.describe()).constData());  \
    } while (false)
