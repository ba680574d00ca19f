#pragma once

#include <QString>

namespace confab::client::linkText {

// Whether text holds an http or https URL that toHtml() would turn into a link.
bool hasLinks(const QString &text);

// text as markup for Text.StyledText: every character the markup would read (< > & ")
// escaped, line breaks as <br>, and each http or https URL recognised in it wrapped in an
// anchor. Nothing else becomes markup, so what a user typed can only ever show as itself.
QString toHtml(const QString &text);

} // namespace confab::client::linkText
