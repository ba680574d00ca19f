#include "TypingTracker.h"

#include <QDateTime>

#include <algorithm>

namespace confab::client {

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

TypingTracker::TypingTracker(QObject *parent)
    : QObject(parent)
{
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, &TypingTracker::expire);
}

void TypingTracker::setTyping(const protocol::User &user, bool active)
{
    const auto found = std::find_if(m_typists.begin(), m_typists.end(), [&](const Typist &typist) {
        return typist.user.id == user.id;
    });
    if (!active) {
        if (found == m_typists.end())
            return;
        m_typists.erase(found);
        scheduleExpiry();
        emit changed();
        return;
    }
    const qint64 expiresAt = now() + kExpiry.count();
    if (found != m_typists.end()) {
        found->expiresAt = expiresAt;
        scheduleExpiry();
        return;
    }
    m_typists.append({ user, expiresAt });
    scheduleExpiry();
    emit changed();
}

void TypingTracker::messageFrom(qint64 userId)
{
    for (const auto &typist : std::as_const(m_typists)) {
        if (typist.user.id == userId)
            return setTyping(typist.user, false);
    }
}

void TypingTracker::clear()
{
    if (m_typists.isEmpty())
        return;
    m_typists.clear();
    m_expiry.stop();
    emit changed();
}

void TypingTracker::expire()
{
    const qint64 at = now();
    const auto removed
        = m_typists.removeIf([at](const Typist &typist) { return typist.expiresAt <= at; });
    scheduleExpiry();
    if (removed > 0)
        emit changed();
}

void TypingTracker::scheduleExpiry()
{
    if (m_typists.isEmpty()) {
        m_expiry.stop();
        return;
    }
    qint64 next = m_typists.first().expiresAt;
    for (const auto &typist : std::as_const(m_typists))
        next = std::min(next, typist.expiresAt);
    m_expiry.start(std::chrono::milliseconds(std::max<qint64>(next - now(), 0) + 1));
}

QStringList TypingTracker::names() const
{
    QStringList names;
    for (const auto &typist : m_typists)
        names.append(typist.user.name);
    return names;
}

QString TypingTracker::text() const
{
    switch (m_typists.size()) {
    case 0:
        return {};
    case 1:
        return tr("%1 is typing…").arg(m_typists.at(0).user.name);
    case 2:
        return tr("%1 and %2 are typing…")
            .arg(m_typists.at(0).user.name, m_typists.at(1).user.name);
    default:
        return tr("Several people are typing…");
    }
}

} // namespace confab::client
