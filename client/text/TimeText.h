#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>

// Times and days as the user reads them, in the user's locale.
namespace confab::client::timeText {

// "14:05" or "2:05 PM": the locale's short time, without seconds even where the locale's
// short format has them (the C locale does).
QString time(const QDateTime &when);
// "Today", "Yesterday", the weekday within the last week, else the locale's long date.
QString day(const QDate &date, const QDate &today);
// For the room list: the time today, the short weekday within the last week, else the date.
QString activity(const QDateTime &when, const QDate &today);

} // namespace confab::client::timeText
