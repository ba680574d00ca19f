#include "config/ServerConfigLoader.h"

#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;

// The [pusher] settings: Soketi's environment names, an app that is all or nothing, and
// values that cannot break URLs or auth strings.
class TestPusherConfig : public QObject
{
    Q_OBJECT

private:
    static ConfigParseResult parse(const QList<std::pair<QString, QString>> &variables)
    {
        QProcessEnvironment environment;
        for (const auto &[name, value] : variables)
            environment.insert(name, value);
        return parseServerConfig({ u"confabd"_s }, environment, u"/srv/confab"_s);
    }

private slots:
    void offUntilConfigured()
    {
        const auto result = parse({});
        QVERIFY(result.config);
        QVERIFY(!result.config->pusherEnabled());
    }

    void soketiEnvironmentNamesConfigureTheApp()
    {
        const auto result = parse({ { u"CONFAB_PUSHER_APP_ID"_s, u"1001"_s },
                                    { u"CONFAB_PUSHER_APP_KEY"_s, u"app-key"_s },
                                    { u"CONFAB_PUSHER_APP_SECRET"_s, u"s3cr3t/+="_s },
                                    { u"CONFAB_PUSHER_WEBHOOK_URLS"_s,
                                      u"http://127.0.0.1:9000/hook  https://app.example/w"_s },
                                    { u"CONFAB_PUSHER_MAX_PRESENCE_MEMBERS"_s, u"50"_s } });
        QVERIFY2(result.config, qPrintable(result.message));
        QVERIFY(result.config->pusherEnabled());
        QCOMPARE(result.config->pusherAppKey, u"app-key"_s);
        QCOMPARE(result.config->pusherWebhookUrls,
                 QStringList({ u"http://127.0.0.1:9000/hook"_s, u"https://app.example/w"_s }));
        QCOMPARE(result.config->pusherMaxPresenceMembers, 50);
        QCOMPARE(result.config->pusherMaxEventBytes, 10 * 1024);
    }

    void anIncompleteAppIsRefused()
    {
        const auto result = parse({ { u"CONFAB_PUSHER_APP_KEY"_s, u"app-key"_s },
                                    { u"CONFAB_PUSHER_APP_SECRET"_s, u"secret"_s } });
        QVERIFY(!result.config);
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.message.contains(u"must be set together"_s));
    }

    void badValuesAreRefusedWithoutShowingTheSecret()
    {
        const auto result = parse({ { u"CONFAB_PUSHER_APP_ID"_s, u"1/2"_s },
                                    { u"CONFAB_PUSHER_APP_KEY"_s, u"key:with-colon"_s },
                                    { u"CONFAB_PUSHER_APP_SECRET"_s, u"very secret"_s },
                                    { u"CONFAB_PUSHER_WEBHOOK_URLS"_s, u"ftp://x/"_s } });
        QVERIFY(!result.config);
        QVERIFY(result.message.contains(u"CONFAB_PUSHER_APP_ID: must be"_s));
        QVERIFY(result.message.contains(u"CONFAB_PUSHER_APP_KEY: must be"_s));
        QVERIFY(
            result.message.contains(u"CONFAB_PUSHER_APP_SECRET: must not contain white space"_s));
        QVERIFY(!result.message.contains(u"very secret"_s));
        QVERIFY(result.message.contains(u"\"ftp://x/\" is not an http:// or https:// URL"_s));
    }
};

QTEST_GUILESS_MAIN(TestPusherConfig)
#include "tst_pusher_config.moc"
