// The TLS side of the session: what to do about a certificate the system does not trust.
#include "Session.h"
#include "net/CertificatePins.h"

#include <QSslConfiguration>

namespace confab::client {

namespace {

QString describeSslErrors(const QList<QSslError> &errors)
{
    QStringList texts;
    for (const auto &error : errors)
        texts.append(error.errorString());
    texts.removeDuplicates();
    return texts.join(u' ');
}

} // namespace

void Session::onSslErrors(const QList<QSslError> &errors)
{
    // QSslSocket reports the errors even when each one is among those it was told to ignore;
    // then the handshake goes on and there is nothing to decide.
    const auto pinned = m_pins ? m_pins->find(m_url.host(), quint16(m_url.port()))
                               : std::optional<CertificatePins::Pin>();
    if (pinned) {
        const auto expected = pinned->expectedErrors();
        if (std::all_of(errors.cbegin(), errors.cend(),
                        [&](const QSslError &error) { return expected.contains(error); }))
            return;
    }
    QSslCertificate presented = m_socket.sslConfiguration().peerCertificate();
    if (presented.isNull()) {
        for (const auto &error : errors) {
            if (!error.certificate().isNull()) {
                presented = error.certificate();
                break;
            }
        }
    }
    const QString host = m_url.host();
    const auto port = quint16(m_url.port());
    const QString fingerprint = CertificatePins::fingerprint(presented);

    CertificateQuestion question;
    question.host = host;
    question.port = port;
    question.certificate = presented;
    question.fingerprint = fingerprint;
    question.problem = describeSslErrors(errors);
    for (const auto &error : errors) {
        if (!question.errors.contains(error.error()))
            question.errors.append(error.error());
    }

    const auto verdict
        = m_pins ? m_pins->judge(host, port, presented, errors) : CertificatePins::Verdict::Refused;
    switch (verdict) {
    case CertificatePins::Verdict::NeedsApproval:
        if (!m_trustedFingerprint.isEmpty() && m_trustedHost == host.toLower()
            && m_trustedPort == port
            && m_trustedFingerprint.compare(fingerprint, Qt::CaseInsensitive) == 0) {
            // Approved in advance: pin it, and connect again once this handshake has failed.
            m_pins->pin(host, port, presented, question.errors);
            m_trustedFingerprint.clear();
            QTimer::singleShot(0, this, &Session::openSocket);
            m_closingOnPurpose = true;
            return;
        }
        question.approvable = true;
        setConnectionError(tr("The server's certificate needs your approval."));
        raiseQuestion(question);
        return;
    case CertificatePins::Verdict::Changed:
        question.changed = true;
        question.pinnedFingerprint = m_pins->find(host, port)->fingerprint();
        setConnectionError(tr("The server's certificate has changed since you accepted it. "
                              "Confab refuses to connect."));
        raiseQuestion(question);
        return;
    case CertificatePins::Verdict::Refused:
        setConnectionError(
            tr("The server's certificate cannot be trusted: %1").arg(question.problem));
        raiseQuestion(question);
        return;
    }
}

void Session::raiseQuestion(CertificateQuestion question)
{
    m_question = std::move(question);
    setState(State::CertificateProblem);
    emit certificateQuestionChanged();
}

void Session::approveCertificate()
{
    if (!m_question || m_question->changed || !m_pins)
        return;
    m_pins->pin(m_question->host, m_question->port, m_question->certificate, m_question->errors);
    setConnectionError({});
    openSocket();
}

void Session::rejectCertificate()
{
    if (!m_question)
        return;
    m_question.reset();
    emit certificateQuestionChanged();
    setState(State::Disconnected);
    if (m_intent == Intent::Login || m_intent == Intent::Register) {
        m_intent = Intent::None;
        m_pendingPassword.clear();
        emit signInFailed(tr("The server's certificate was not accepted."));
    }
}

void Session::trustFingerprint(const QString &host, quint16 port, const QString &fingerprint)
{
    m_trustedHost = host.toLower();
    m_trustedPort = port;
    m_trustedFingerprint = fingerprint;
}

} // namespace confab::client
