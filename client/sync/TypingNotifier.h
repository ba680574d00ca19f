#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace confab::client {

class Session;

// Tells the other members of a room that the user is typing, at a sensible rate: "active"
// when typing starts and again at most every kRefresh while it goes on, "inactive" after a
// pause of kPause or when the message is sent or the text emptied.
class TypingNotifier : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kRefresh { 3'000 };
    static constexpr std::chrono::milliseconds kPause { 4'000 };

    TypingNotifier(Session *session, qint64 roomId, QObject *parent = nullptr);
    ~TypingNotifier() override;

    // The composer's text changed (typed, pasted or cleared).
    void textChanged(const QString &text);
    // The message was sent or the room left: typing is over.
    void stop();

    bool isActive() const { return m_active; }

signals:
    // For tests and diagnostics: what was sent.
    void notified(bool active);

private:
    void send(bool active);

    QPointer<Session> m_session; // may go first when the whole client shuts down
    qint64 m_roomId;
    bool m_active = false;
    QElapsedTimer m_sinceLast;
    QTimer m_pause;
};

} // namespace confab::client
