#include "auth/PasswordHasher.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

using namespace confab::server;
using namespace Qt::StringLiterals;

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private slots:
    void hashVerifiesWithTheSamePassword();
    void wrongPasswordIsRejected();
    void equalPasswordsGetDifferentHashes();
    void matchesTheScryptReferenceVector();
    void passwordIsHashedAsUtf8();
    void verifyUsesTheParametersInTheHash();
    void everyByteOfTheKeyCounts();
    void costIsClampedToTheSupportedRange();
    void malformedHashesAreRejected_data();
    void malformedHashesAreRejected();
    void defaultCostRoundTrip();
};

void TestPasswordHasher::hashVerifiesWithTheSamePassword()
{
    const PasswordHasher hasher(14);
    const QString encoded = hasher.hash(u"correct horse battery staple"_s);

    static const QRegularExpression format(
        uR"(^scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)"_s);
    QVERIFY2(format.match(encoded).hasMatch(), qPrintable(encoded));
    QVERIFY(hasher.verify(u"correct horse battery staple"_s, encoded));
}

void TestPasswordHasher::wrongPasswordIsRejected()
{
    const PasswordHasher hasher(14);
    const QString encoded = hasher.hash(u"correct horse battery staple"_s);

    QVERIFY(!hasher.verify(u"correct horse battery stapl"_s, encoded));
    QVERIFY(!hasher.verify(u"Correct horse battery staple"_s, encoded));
    QVERIFY(!hasher.verify(QString(), encoded));
}

void TestPasswordHasher::equalPasswordsGetDifferentHashes()
{
    const PasswordHasher hasher(14);
    const QString first = hasher.hash(u"same password"_s);
    const QString second = hasher.hash(u"same password"_s);

    QVERIFY(first != second);
    // The difference is the salt, the third field.
    QVERIFY(first.split(u'$').at(2) != second.split(u'$').at(2));
    QVERIFY(hasher.verify(u"same password"_s, first));
    QVERIFY(hasher.verify(u"same password"_s, second));
}

// RFC 7914, section 12: scrypt("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1, 64 bytes).
void TestPasswordHasher::matchesTheScryptReferenceVector()
{
    const QByteArray key
        = QByteArray::fromHex("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                              "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
    const auto base64 = [](const QByteArray &bytes) {
        return QString::fromLatin1(bytes.toBase64(QByteArray::OmitTrailingEquals));
    };
    const QString encoded
        = u"scrypt$ln=14,r=8,p=1$%1$%2"_s.arg(base64("SodiumChloride"), base64(key));

    const PasswordHasher hasher(17);
    QVERIFY(hasher.verify(u"pleaseletmein"_s, encoded));
    QVERIFY(!hasher.verify(u"pleaseletmeim"_s, encoded));
}

// Expected value computed independently with Python's hashlib.scrypt over the UTF-8 bytes.
void TestPasswordHasher::passwordIsHashedAsUtf8()
{
    const QString password = u"p\u00e4ssw\u00f6rd \U0001F511"_s;
    const QString encoded
        = u"scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$rykOpZoBc/8OUN13eiNM795zZm6EOvl3jCTXAJuYMYw"_s;

    const PasswordHasher hasher(14);
    QVERIFY(hasher.verify(password, encoded));
    // The same letters in decomposed form are different bytes, hence a different password.
    QVERIFY(!hasher.verify(password.normalized(QString::NormalizationForm_D), encoded));
}

void TestPasswordHasher::verifyUsesTheParametersInTheHash()
{
    const QString encoded = PasswordHasher(15).hash(u"a password"_s);
    QVERIFY2(encoded.startsWith("scrypt$ln=15,r=8,p=1$"_L1), qPrintable(encoded));

    // A server whose configured cost has changed still accepts hashes made with the old one.
    QVERIFY(PasswordHasher(14).verify(u"a password"_s, encoded));
    QVERIFY(PasswordHasher(17).verify(u"a password"_s, encoded));

    // The recorded cost is really used: the same salt and key with another N do not match.
    QString otherCost = encoded;
    otherCost.replace("ln=15"_L1, "ln=14"_L1);
    QVERIFY(!PasswordHasher(15).verify(u"a password"_s, otherCost));
}

void TestPasswordHasher::everyByteOfTheKeyCounts()
{
    const PasswordHasher hasher(14);
    const QString encoded = hasher.hash(u"a password"_s);
    const qsizetype keyStart = encoded.lastIndexOf(u'$') + 1;
    const QByteArray key = QByteArray::fromBase64(encoded.mid(keyStart).toLatin1());
    QCOMPARE(key.size(), 32);

    for (const qsizetype index : { qsizetype(0), qsizetype(15), key.size() - 1 }) {
        QByteArray changed = key;
        changed[index] = char(changed[index] ^ 0x01);
        const QString tampered = encoded.left(keyStart)
            + QString::fromLatin1(changed.toBase64(QByteArray::OmitTrailingEquals));
        QVERIFY2(!hasher.verify(u"a password"_s, tampered), qPrintable(tampered));
    }
}

void TestPasswordHasher::costIsClampedToTheSupportedRange()
{
    QCOMPARE(PasswordHasher(3).log2N(), PasswordHasher::kMinLog2N);
    QCOMPARE(PasswordHasher(40).log2N(), PasswordHasher::kMaxLog2N);
    QVERIFY(PasswordHasher(3).hash(u"a password"_s).startsWith("scrypt$ln=14,"_L1));
}

void TestPasswordHasher::malformedHashesAreRejected_data()
{
    const QString good = PasswordHasher(14).hash(u"a password"_s);
    const QStringList parts = good.split(u'$');
    const QString salt = parts.at(2);
    const QString key = parts.at(3);
    const auto with = [&](const QString &params, const QString &s, const QString &k) {
        return u"scrypt$%1$%2$%3"_s.arg(params, s, k);
    };

    QTest::addColumn<QString>("encoded");
    QTest::newRow("empty") << QString();
    QTest::newRow("scheme only") << u"scrypt"_s;
    QTest::newRow("other scheme") << QString(good).replace("scrypt"_L1, "bcrypt"_L1);
    QTest::newRow("upper-case scheme") << QString(good).replace("scrypt"_L1, "SCRYPT"_L1);
    QTest::newRow("missing key") << u"scrypt$ln=14,r=8,p=1$%1"_s.arg(salt);
    QTest::newRow("extra field") << good + u"$AAAA"_s;
    QTest::newRow("trailing separator") << good + u'$';
    QTest::newRow("parameters reordered") << with(u"r=8,ln=14,p=1"_s, salt, key);
    QTest::newRow("parameter missing") << with(u"ln=14,r=8"_s, salt, key);
    QTest::newRow("parameter not a number") << with(u"ln=x,r=8,p=1"_s, salt, key);
    QTest::newRow("negative parameter") << with(u"ln=-14,r=8,p=1"_s, salt, key);
    QTest::newRow("leading zero") << with(u"ln=014,r=8,p=1"_s, salt, key);
    QTest::newRow("N too small") << with(u"ln=9,r=8,p=1"_s, salt, key);
    QTest::newRow("N too large") << with(u"ln=21,r=8,p=1"_s, salt, key);
    QTest::newRow("r zero") << with(u"ln=14,r=0,p=1"_s, salt, key);
    QTest::newRow("p zero") << with(u"ln=14,r=8,p=0"_s, salt, key);
    QTest::newRow("p too large") << with(u"ln=14,r=8,p=5"_s, salt, key);
    QTest::newRow("memory over the limit") << with(u"ln=20,r=16,p=1"_s, salt, key);
    QTest::newRow("salt not base64") << with(u"ln=14,r=8,p=1"_s, u"!!!!!!!!!!!!!!!!!!!!!!"_s, key);
    QTest::newRow("salt padded") << with(u"ln=14,r=8,p=1"_s, salt + u"=="_s, key);
    QTest::newRow("salt too short") << with(u"ln=14,r=8,p=1"_s, u"AAAAAA"_s, key);
    QTest::newRow("salt empty") << with(u"ln=14,r=8,p=1"_s, QString(), key);
    QTest::newRow("key too short") << with(u"ln=14,r=8,p=1"_s, salt, key.left(16));
    QTest::newRow("key with space") << with(u"ln=14,r=8,p=1"_s, salt, u' ' + key);
    QTest::newRow("key not Latin-1") << with(u"ln=14,r=8,p=1"_s, salt, key.left(42) + u'\u00e9');
}

void TestPasswordHasher::malformedHashesAreRejected()
{
    QFETCH(QString, encoded);
    QVERIFY(!PasswordHasher(14).verify(u"a password"_s, encoded));
}

void TestPasswordHasher::defaultCostRoundTrip()
{
    const PasswordHasher hasher;
    QCOMPARE(hasher.log2N(), 17);

    QElapsedTimer timer;
    timer.start();
    const QString encoded = hasher.hash(u"correct horse battery staple"_s);
    qInfo("One scrypt hash at N=2^17, r=8, p=1 took %lld ms", timer.elapsed());

    QVERIFY2(encoded.startsWith("scrypt$ln=17,r=8,p=1$"_L1), qPrintable(encoded));
    QVERIFY(hasher.verify(u"correct horse battery staple"_s, encoded));
    QVERIFY(!hasher.verify(u"correct horse battery stapler"_s, encoded));
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
