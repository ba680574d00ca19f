#include "SampleText.h"

QString sampleText(qsizetype length)
{
    QString text;
    text.reserve(length);
    for (qsizetype i = 0; text.size() < length; ++i)
        text += i % 10 == 9 ? u'é' : QChar(char16_t(u'a' + i % 26));
    return text;
}
