#include "TimeText.h"

#include <QCoreApplication>
#include <QLocale>
#include <QRegularExpression>

namespace confab::client::timeText {

using namespace Qt::StringLiterals;

QString time(const QDateTime &when)
{
    static const QRegularExpression seconds(u"[:.]s{1,2}"_s);
    QString format = QLocale().timeFormat(QLocale::ShortFormat);
    format.remove(seconds);
    return QLocale().toString(when.time(), format);
}

QString day(const QDate &date, const QDate &today)
{
    const qint64 daysAgo = date.daysTo(today);
    if (daysAgo == 0)
        return QCoreApplication::translate("TimeText", "Today");
    if (daysAgo == 1)
        return QCoreApplication::translate("TimeText", "Yesterday");
    if (daysAgo > 1 && daysAgo < 7)
        return QLocale().dayName(date.dayOfWeek(), QLocale::LongFormat);
    return QLocale().toString(date, QLocale::LongFormat);
}

QString activity(const QDateTime &when, const QDate &today)
{
    const qint64 daysAgo = when.date().daysTo(today);
    if (daysAgo <= 0)
        return time(when);
    if (daysAgo < 7)
        return QLocale().dayName(when.date().dayOfWeek(), QLocale::ShortFormat);
    return QLocale().toString(when.date(), QLocale::ShortFormat);
}

} // namespace confab::client::timeText
