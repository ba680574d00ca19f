#include "LinkText.h"

#include <QRegularExpression>

namespace confab::client::linkText {

using namespace Qt::StringLiterals;

namespace {

// A URL runs from http:// or https:// up to white space or a character that cannot be part
// of one; punctuation at its end usually belongs to the sentence, and a closing bracket only
// to the URL when the URL opened it.
const QRegularExpression &urlPattern()
{
    static const QRegularExpression pattern(
        u"\\bhttps?://[^\\s<>\"'\\x{00a0}\\x{2028}\\x{2029}]+"_s,
        QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

qsizetype trimmedLength(QStringView url)
{
    qsizetype end = url.size();
    while (end > 0) {
        const QChar last = url.at(end - 1);
        if (u".,:;!?*'"_s.contains(last)) {
            --end;
            continue;
        }
        if (last == u')' && url.left(end).count(u'(') < url.left(end).count(u')')) {
            --end;
            continue;
        }
        if (last == u']' && url.left(end).count(u'[') < url.left(end).count(u']')) {
            --end;
            continue;
        }
        break;
    }
    return end;
}

bool isLink(QStringView url)
{
    // Something after the scheme: "https://" alone is no link.
    const qsizetype afterScheme = url.indexOf("://"_L1) + 3;
    return url.size() > afterScheme;
}

QString escaped(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'<':
            out += "&lt;"_L1;
            break;
        case u'>':
            out += "&gt;"_L1;
            break;
        case u'&':
            out += "&amp;"_L1;
            break;
        case u'"':
            out += "&quot;"_L1;
            break;
        case u'\n':
            out += "<br>"_L1;
            break;
        case u'\r':
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

bool hasLinks(const QString &text)
{
    if (!text.contains("://"_L1))
        return false;
    auto matches = urlPattern().globalMatch(text);
    while (matches.hasNext()) {
        const auto match = matches.next();
        if (isLink(match.capturedView().left(trimmedLength(match.capturedView()))))
            return true;
    }
    return false;
}

QString toHtml(const QString &text)
{
    QString html;
    qsizetype done = 0;
    auto matches = urlPattern().globalMatch(text);
    while (matches.hasNext()) {
        const auto match = matches.next();
        const QStringView url = match.capturedView().left(trimmedLength(match.capturedView()));
        if (!isLink(url))
            continue;
        html += escaped(QStringView(text).mid(done, match.capturedStart() - done));
        const QString shown = escaped(url);
        html += u"<a href=\"%1\">%1</a>"_s.arg(shown);
        done = match.capturedStart() + url.size();
    }
    html += escaped(QStringView(text).mid(done));
    // StyledText folds runs of spaces like HTML does; keep them as the user typed them.
    html.replace("  "_L1, " &nbsp;"_L1);
    return html;
}

} // namespace confab::client::linkText
