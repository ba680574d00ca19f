#pragma once

#include "protocol/Entities.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace confab::client {

// Who else is typing in one room, from the typing pushes. A user who stops sending "active"
// (a client that went away without saying "inactive") drops out after kExpiry.
class TypingTracker : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds kExpiry { 6'000 };

    explicit TypingTracker(QObject *parent = nullptr);

    void setTyping(const protocol::User &user, bool active);
    // A message from the user ends their typing.
    void messageFrom(qint64 userId);
    void clear();

    QStringList names() const;
    // "ann is typing…", "ann and ben are typing…", "Several people are typing…", or empty.
    QString text() const;

signals:
    void changed();

private:
    struct Typist
    {
        protocol::User user;
        qint64 expiresAt;
    };

    void expire();
    void scheduleExpiry();

    QList<Typist> m_typists;
    QTimer m_expiry;
};

} // namespace confab::client
