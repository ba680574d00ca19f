// Trust on first use against a real confabd: a self-signed certificate needs the user's
// approval once, is then pinned for that host and port and accepted without a question; a
// different certificate at a pinned address is refused; a certificate that the trust store
// accepts needs no question at all.

#include "ServerProcess.h"
#include "Wait.h"
#include "net/CertificatePins.h"
#include "net/Session.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace confab;
using client::CertificatePins;
using client::Session;

namespace {

const QString kPassword = u"correct horse battery staple"_s;

bool waitForQuestion(Session &session)
{
    return test::waitUntil([&] { return session.certificateQuestion().has_value(); },
                           std::chrono::seconds(30));
}

bool waitForOnline(Session &session)
{
    return test::waitUntil([&] { return session.isOnline(); }, std::chrono::seconds(30));
}

} // namespace

class tst_CertificatePins : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void judgesWhatAHandshakeShowed();
    void firstUseNeedsApproval();
    void aPinnedCertificateIsAccepted();
    void aRejectedCertificateIsNotPinned();
    void aChangedCertificateIsRefused();
    void aTrustedCertificateNeedsNoQuestion();

private:
    std::unique_ptr<test::ServerProcess> m_first;
    std::unique_ptr<test::ServerProcess> m_second;
    QTemporaryDir m_dir;
    std::unique_ptr<CertificatePins> m_pins;
};

void tst_CertificatePins::initTestCase()
{
    m_first = std::make_unique<test::ServerProcess>();
    QVERIFY2(m_first->start(), qPrintable(m_first->errorString()));
    m_second = std::make_unique<test::ServerProcess>();
    QVERIFY2(m_second->start(), qPrintable(m_second->errorString()));
    QVERIFY(m_first->certificate() != m_second->certificate());
    m_pins = std::make_unique<CertificatePins>(m_dir.filePath(u"pins.json"_s));
}

void tst_CertificatePins::cleanupTestCase()
{
    if (m_first)
        QVERIFY2(m_first->stop(), qPrintable(m_first->errorString()));
    if (m_second)
        QVERIFY2(m_second->stop(), qPrintable(m_second->errorString()));
}

void tst_CertificatePins::judgesWhatAHandshakeShowed()
{
    QTemporaryDir dir;
    CertificatePins pins(dir.filePath(u"pins.json"_s));
    const auto first = m_first->certificate();
    const auto second = m_second->certificate();
    const QList<QSslError> selfSigned { QSslError(QSslError::SelfSignedCertificate, first) };

    QCOMPARE(CertificatePins::fingerprint(first), m_first->printedFingerprint());
    QVERIFY(CertificatePins::isFingerprint(m_first->printedFingerprint()));
    QVERIFY(!CertificatePins::isFingerprint(u"AB:CD"_s));

    QCOMPARE(pins.judge(u"chat"_s, 8443, first, selfSigned),
             CertificatePins::Verdict::NeedsApproval);
    QCOMPARE(
        pins.judge(u"chat"_s, 8443, first, { QSslError(QSslError::CertificateExpired, first) }),
        CertificatePins::Verdict::Refused);

    QVERIFY(pins.pin(u"Chat"_s, 8443, first, { QSslError::SelfSignedCertificate }));
    const auto pin = pins.find(u"chat"_s, 8443);
    QVERIFY(pin);
    QCOMPARE(pin->fingerprint(), m_first->printedFingerprint());
    QCOMPARE(pin->expectedErrors(), selfSigned);
    QVERIFY2(!pins.find(u"chat"_s, 8444), "a pin holds for its own port only");

    QCOMPARE(pins.judge(u"chat"_s, 8443, second,
                        { QSslError(QSslError::SelfSignedCertificate, second) }),
             CertificatePins::Verdict::Changed);
    QCOMPARE(
        pins.judge(u"chat"_s, 8443, first, { QSslError(QSslError::CertificateExpired, first) }),
        CertificatePins::Verdict::Refused);

    // Pins survive in their file.
    CertificatePins reopened(dir.filePath(u"pins.json"_s));
    QCOMPARE(reopened.find(u"chat"_s, 8443)->fingerprint(), m_first->printedFingerprint());
    QVERIFY(reopened.forget(u"chat"_s, 8443));
    QVERIFY(!pins.find(u"chat"_s, 8443));
}

void tst_CertificatePins::firstUseNeedsApproval()
{
    Session session(m_pins.get());
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.registerAccount(m_first->url(), u"pinned_user"_s, kPassword);

    QVERIFY2(waitForQuestion(session),
             "the client asks before it trusts a self-signed certificate");
    const auto question = *session.certificateQuestion();
    QVERIFY(question.approvable);
    QVERIFY(!question.changed);
    QCOMPARE(question.fingerprint, m_first->printedFingerprint());
    QCOMPARE(question.host, u"127.0.0.1"_s);
    QCOMPARE(question.port, m_first->port());
    QCOMPARE(session.state(), Session::State::CertificateProblem);
    QVERIFY2(!m_pins->find(question.host, question.port), "nothing is pinned before approval");
    QCOMPARE(signedIn.count(), 0);

    session.approveCertificate();
    QVERIFY2(signedIn.wait(30'000) || signedIn.count() == 1, qPrintable(session.connectionError()));
    QCOMPARE(m_pins->find(u"127.0.0.1"_s, m_first->port())->fingerprint(),
             m_first->printedFingerprint());
    QVERIFY(!session.certificateQuestion());
}

void tst_CertificatePins::aPinnedCertificateIsAccepted()
{
    Session session(m_pins.get());
    session.signIn(m_first->url(), u"pinned_user"_s, kPassword);
    QVERIFY2(waitForOnline(session), qPrintable(session.connectionError()));
    QVERIFY(!session.certificateQuestion());
}

void tst_CertificatePins::aRejectedCertificateIsNotPinned()
{
    Session session(m_pins.get());
    QSignalSpy failed(&session, &Session::signInFailed);
    session.registerAccount(m_second->url(), u"rejecting_user"_s, kPassword);
    QVERIFY(waitForQuestion(session));
    session.rejectCertificate();
    QCOMPARE(failed.count(), 1);
    QCOMPARE(session.state(), Session::State::Disconnected);
    QVERIFY(!m_pins->find(u"127.0.0.1"_s, m_second->port()));
}

void tst_CertificatePins::aChangedCertificateIsRefused()
{
    // The second server's address, pinned to the first server's certificate: as if the
    // certificate at that address had been replaced since the user accepted it.
    QVERIFY(m_pins->pin(u"127.0.0.1"_s, m_second->port(), m_first->certificate(),
                        { QSslError::SelfSignedCertificate }));
    Session session(m_pins.get());
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.registerAccount(m_second->url(), u"changed_user"_s, kPassword);
    QVERIFY(waitForQuestion(session));
    const auto question = *session.certificateQuestion();
    QVERIFY(question.changed);
    QVERIFY2(!question.approvable, "a changed certificate is refused, not offered for approval");
    QCOMPARE(question.pinnedFingerprint, m_first->printedFingerprint());
    QCOMPARE(question.fingerprint, m_second->printedFingerprint());
    QVERIFY(!session.connectionError().isEmpty());

    session.approveCertificate(); // not possible for a changed certificate
    QCOMPARE(session.state(), Session::State::CertificateProblem);
    QCOMPARE(m_pins->find(u"127.0.0.1"_s, m_second->port())->fingerprint(),
             m_first->printedFingerprint());
    QCOMPARE(signedIn.count(), 0);
}

void tst_CertificatePins::aTrustedCertificateNeedsNoQuestion()
{
    // The first server's certificate in the trust store, as a certificate from a real
    // authority would be: the handshake passes without a question and without a pin.
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificate(m_first->certificate());
    QSslConfiguration::setDefaultConfiguration(configuration);

    QTemporaryDir dir;
    CertificatePins pins(dir.filePath(u"pins.json"_s));
    Session session(&pins);
    session.signIn(m_first->url(), u"pinned_user"_s, kPassword);
    QVERIFY2(waitForOnline(session), qPrintable(session.connectionError()));
    QVERIFY(!session.certificateQuestion());
    QVERIFY(!pins.find(u"127.0.0.1"_s, m_first->port()));
}

QTEST_GUILESS_MAIN(tst_CertificatePins)
#include "tst_certificatepins.moc"
