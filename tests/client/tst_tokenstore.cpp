// The session token survives a restart of the client: in the system keychain where there is
// one, otherwise in a file only its owner can read. A headless machine has no keychain, so
// here the fallback is what gets exercised; with a keychain the same test checks that no
// copy is left in the file.

#include "Wait.h"
#include "app/TokenStore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using confab::client::TokenStore;

namespace {

QString readBack(TokenStore &store, const QString &account)
{
    QString token = u"<nothing>"_s;
    bool done = false;
    QObject context;
    store.read(account, &context, [&](const QString &value) {
        token = value;
        done = true;
    });
    if (!confab::test::waitUntil([&] { return done; }, std::chrono::seconds(20)))
        return u"<no answer>"_s;
    return token;
}

bool fileHasToken(const QString &path, const QString &token)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.readAll().contains(token.toUtf8());
}

} // namespace

class tst_TokenStore : public QObject
{
    Q_OBJECT

private slots:
    void theFileFallbackIsOwnerOnly();
    void theTokenIsFoundAgainAfterARestart();
    void signingOutRemovesTheToken();
};

void tst_TokenStore::theFileFallbackIsOwnerOnly()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"tokens.json"_s);
    TokenStore store(path, TokenStore::Backend::File);
    QSignalSpy written(&store, &TokenStore::written);
    store.write(u"ann@chat:8443"_s, u"secret-token-1"_s);
    QVERIFY(written.wait(5000));
    QCOMPARE(written.at(0).at(0).value<TokenStore::Backend>(), TokenStore::Backend::File);
    QVERIFY(fileHasToken(path, u"secret-token-1"_s));
    QCOMPARE(QFile::permissions(path) & ~(QFile::ReadUser | QFile::WriteUser),
             QFile::ReadOwner | QFile::WriteOwner);
    QCOMPARE(readBack(store, u"ann@chat:8443"_s), u"secret-token-1"_s);
    QCOMPARE(readBack(store, u"ben@chat:8443"_s), QString());
}

void tst_TokenStore::theTokenIsFoundAgainAfterARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"tokens.json"_s);
    const QString account = u"tokentest-%1@127.0.0.1:1"_s.arg(QCoreApplication::applicationPid());
    TokenStore::Backend used;
    {
        TokenStore store(path, TokenStore::Backend::Keychain);
        QSignalSpy written(&store, &TokenStore::written);
        store.write(account, u"secret-token-2"_s);
        QVERIFY(written.wait(20'000));
        used = store.lastWriteBackend();
        qInfo("the token went to the %s",
              used == TokenStore::Backend::Keychain ? "system keychain" : "owner-only file");
    }
    TokenStore restarted(path, TokenStore::Backend::Keychain);
    QCOMPARE(readBack(restarted, account), u"secret-token-2"_s);
    if (used == TokenStore::Backend::File) {
        QVERIFY(fileHasToken(path, u"secret-token-2"_s));
        QCOMPARE(
            QFile::permissions(path)
                & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
            QFile::Permissions());
    } else {
        QVERIFY2(!fileHasToken(path, u"secret-token-2"_s), "no second copy outside the keychain");
    }
    QSignalSpy removed(&restarted, &TokenStore::removed);
    restarted.remove(account);
    QVERIFY(removed.wait(20'000));
}

void tst_TokenStore::signingOutRemovesTheToken()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"tokens.json"_s);
    TokenStore store(path, TokenStore::Backend::File);
    QSignalSpy written(&store, &TokenStore::written);
    store.write(u"a@h:1"_s, u"token-a"_s);
    store.write(u"b@h:1"_s, u"token-b"_s);
    QTRY_COMPARE(written.count(), 2);
    QSignalSpy removed(&store, &TokenStore::removed);
    store.remove(u"a@h:1"_s);
    QVERIFY(removed.wait(5000));
    QCOMPARE(readBack(store, u"a@h:1"_s), QString());
    QCOMPARE(readBack(store, u"b@h:1"_s), u"token-b"_s);
    QVERIFY(!fileHasToken(path, u"token-a"_s));
}

QTEST_GUILESS_MAIN(tst_TokenStore)
#include "tst_tokenstore.moc"
