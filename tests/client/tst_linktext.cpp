// What a user types is shown as itself: markup stays text, and only http and https URLs
// become links, made by the client from escaped text.

#include "text/LinkText.h"

#include <QtTest>

using namespace Qt::StringLiterals;
namespace linkText = confab::client::linkText;

class tst_LinkText : public QObject
{
    Q_OBJECT

private slots:
    void markupIsEscaped();
    void urlsBecomeLinks_data();
    void urlsBecomeLinks();
    void onlyWebLinksAreRecognised();
    void lineBreaksAndSpacesSurvive();
};

void tst_LinkText::markupIsEscaped()
{
    const QString typed = u"<b>not bold</b> & <img src=x onerror=alert(1)> \"quoted\" &amp;"_s;
    QVERIFY(!linkText::hasLinks(typed));
    const QString html = linkText::toHtml(typed);
    QVERIFY(!html.contains(u'<'));
    QCOMPARE(
        html,
        u"&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; "
        "&amp;amp;"_s);
}

void tst_LinkText::urlsBecomeLinks_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("html");
    QTest::newRow("plain") << u"see https://qt.io/docs"_s
                           << u"see <a href=\"https://qt.io/docs\">https://qt.io/docs</a>"_s;
    QTest::newRow("sentence end")
        << u"Go to http://example.org."_s
        << u"Go to <a href=\"http://example.org\">http://example.org</a>."_s;
    QTest::newRow("in brackets")
        << u"(https://example.org/a_(b))"_s
        << u"(<a href=\"https://example.org/a_(b)\">https://example.org/a_(b)</a>)"_s;
    QTest::newRow("query with ampersand")
        << u"https://example.org/?a=1&b=<2>"_s
        << u"<a href=\"https://example.org/?a=1&amp;b=\">https://example.org/?a=1&amp;b=</a>&lt;2&gt;"_s;
    QTest::newRow("quote ends it")
        << u"\"https://example.org/x\"onclick=1"_s
        << u"&quot;<a href=\"https://example.org/x\">https://example.org/x</a>&quot;onclick=1"_s;
    QTest::newRow("two") << u"https://a.example and https://b.example!"_s
                         << u"<a href=\"https://a.example\">https://a.example</a> and "
                            "<a href=\"https://b.example\">https://b.example</a>!"_s;
}

void tst_LinkText::urlsBecomeLinks()
{
    QFETCH(QString, typed);
    QFETCH(QString, html);
    QVERIFY(linkText::hasLinks(typed));
    QCOMPARE(linkText::toHtml(typed), html);
}

void tst_LinkText::onlyWebLinksAreRecognised()
{
    for (const auto &typed :
         { u"javascript:alert(1)"_s, u"file:///etc/passwd"_s, u"ftp://host/x"_s, u"https://"_s,
           u"xhttps://example.org"_s, u"data:text/html,<script>"_s }) {
        QVERIFY2(!linkText::hasLinks(typed), qPrintable(typed));
        QVERIFY2(!linkText::toHtml(typed).contains(u"<a"_s), qPrintable(typed));
    }
}

void tst_LinkText::lineBreaksAndSpacesSurvive()
{
    QCOMPARE(linkText::toHtml(u"a\nb  c\r\n"_s), u"a<br>b &nbsp;c<br>"_s);
}

QTEST_APPLESS_MAIN(tst_LinkText)
#include "tst_linktext.moc"
