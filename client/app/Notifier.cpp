#include "Notifier.h"

#include "app/Settings.h"
#include "models/RoomListModel.h"

#include <QApplication>
#include <QFont>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QSystemTrayIcon>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

constexpr int kIconSize = 64;
constexpr qsizetype kBodyChars = 200;

// The Confab mark (a speech bubble) with the unread count in a badge.
QIcon trayIcon(int unread)
{
    QPixmap pixmap(kIconSize, kIconSize);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QPainterPath bubble;
    bubble.addRoundedRect(QRectF(4, 6, 52, 40), 14, 14);
    QPolygonF tail;
    tail << QPointF(14, 40) << QPointF(10, 58) << QPointF(30, 44);
    bubble.addPolygon(tail);
    painter.fillPath(bubble.simplified(), QColor(0x4f, 0x6b, 0xed));
    if (unread > 0) {
        const QString text = unread > 99 ? u"99+"_s : QString::number(unread);
        const QRectF badge(kIconSize - 34, 0, 34, 28);
        painter.setBrush(QColor(0xe5, 0x48, 0x4d));
        painter.setPen(Qt::NoPen);
        painter.drawRoundedRect(badge, 14, 14);
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(text.size() > 2 ? 13 : 18);
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(badge, Qt::AlignCenter, text);
    }
    return QIcon(pixmap);
}

} // namespace

Notifier::Notifier(RoomListModel *rooms, Settings *settings, QObject *parent)
    : QObject(parent)
    , m_rooms(rooms)
    , m_settings(settings)
{
    if (qobject_cast<QApplication *>(QCoreApplication::instance())
        && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = std::make_unique<QSystemTrayIcon>();
        connect(m_tray.get(), &QSystemTrayIcon::messageClicked, this,
                [this] { emit activated(m_lastRoom); });
        connect(m_tray.get(), &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason) { emit activated(0); });
        updateIcon();
        m_tray->show();
    }
    connect(rooms, &RoomListModel::unreadTotalChanged, this, &Notifier::updateIcon);
}

Notifier::~Notifier() = default;

void Notifier::updateIcon()
{
    if (!m_tray)
        return;
    const int unread = m_rooms->unreadTotal();
    m_tray->setIcon(trayIcon(unread));
    m_tray->setToolTip(unread > 0 ? tr("Confab: %n unread message(s)", nullptr, unread)
                                  : tr("Confab"));
}

void Notifier::showMessage(qint64 roomId, const QString &roomName, const QString &sender,
                           const QString &text)
{
    if (!m_settings->notificationsEnabled())
        return;
    const QString title = tr("%1 in %2").arg(sender, roomName);
    QString body = text.simplified();
    if (body.size() > kBodyChars)
        body = body.left(kBodyChars) + u'…';
    m_lastRoom = roomId;
    if (m_tray)
        m_tray->showMessage(title, body, QSystemTrayIcon::Information);
    emit notified(roomId, title, body);
}

} // namespace confab::client
