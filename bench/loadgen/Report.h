#pragma once

#include <QJsonObject>
#include <QString>

namespace confab::bench {

// The "Server load" section of docs/benchmarks.md, made from one run's JSON.
QString markdownSection(const QJsonObject &run);

// Replaces the section that starts with `heading` (up to the next heading of the same level)
// in the Markdown file at path, or appends it; creates the file with intro when missing.
bool replaceSection(const QString &path, const QString &heading, const QString &section,
                    const QString &intro, QString *error);

} // namespace confab::bench
