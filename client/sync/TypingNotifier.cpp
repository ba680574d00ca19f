#include "TypingNotifier.h"

#include "net/Session.h"
#include "protocol/RoomMessages.h"

namespace confab::client {

using namespace Qt::StringLiterals;

TypingNotifier::TypingNotifier(Session *session, qint64 roomId, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_roomId(roomId)
{
    m_pause.setSingleShot(true);
    m_pause.setInterval(kPause);
    connect(&m_pause, &QTimer::timeout, this, &TypingNotifier::stop);
}

TypingNotifier::~TypingNotifier()
{
    stop();
}

void TypingNotifier::textChanged(const QString &text)
{
    if (text.trimmed().isEmpty()) {
        stop();
        return;
    }
    m_pause.start();
    if (m_active && m_sinceLast.isValid() && m_sinceLast.elapsed() < kRefresh.count())
        return;
    send(true);
}

void TypingNotifier::stop()
{
    m_pause.stop();
    if (m_active)
        send(false);
}

void TypingNotifier::send(bool active)
{
    m_active = active;
    m_sinceLast.start();
    if (m_session && m_session->isOnline())
        m_session->post(protocol::TypingRequest { m_roomId, active });
    emit notified(active);
}

} // namespace confab::client
