#pragma once

#include <QString>

// Text of `length` characters for tests that move text around: letters, with a two-byte
// UTF-8 character every tenth, so that splitting its UTF-8 anywhere can cut a character.
QString sampleText(qsizetype length);
