#include "TokenStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <memory>

namespace confab::client {

using namespace Qt::StringLiterals;

namespace {

const QString kService = u"Confab"_s;

// Runs the first of two outcomes that arrives: the keychain's answer or the timeout.
struct Once
{
    bool done = false;
    bool claim() { return !std::exchange(done, true); }
};

} // namespace

TokenStore::TokenStore(QString fallbackFile, Backend preferred, QObject *parent)
    : QObject(parent)
    , m_fallbackFile(std::move(fallbackFile))
    , m_preferred(preferred)
{ }

QString TokenStore::readFile(const QString &account) const
{
    QFile file(m_fallbackFile);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(account).toString();
}

bool TokenStore::writeFile(const QString &account, const QString &token) const
{
    QJsonObject tokens;
    {
        QFile file(m_fallbackFile);
        if (file.open(QIODevice::ReadOnly))
            tokens = QJsonDocument::fromJson(file.readAll()).object();
    }
    if (token.isEmpty()) {
        if (!tokens.contains(account))
            return true;
        tokens.remove(account);
    } else {
        tokens.insert(account, token);
    }
    QDir().mkpath(QFileInfo(m_fallbackFile).absolutePath());
    QSaveFile file(m_fallbackFile);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    // Owner-only before a single byte is written.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return false;
    file.write(QJsonDocument(tokens).toJson(QJsonDocument::Compact));
    return file.commit();
}

void TokenStore::read(const QString &account, QObject *context, ReadHandler done)
{
    QPointer<QObject> guard(context);
    if (m_preferred == Backend::File) {
        const QString token = readFile(account);
        QTimer::singleShot(0, this, [guard, done, token] {
            if (guard)
                done(token);
        });
        return;
    }
    auto once = std::make_shared<Once>();
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(account);
    connect(job, &QKeychain::Job::finished, this, [this, job, account, guard, done, once] {
        if (!once->claim() || !guard)
            return;
        if (job->error() == QKeychain::NoError && !job->textData().isEmpty())
            done(job->textData());
        else
            done(readFile(account)); // not in the keychain, or no keychain: the file
    });
    QTimer::singleShot(kKeychainTimeout, this, [this, account, guard, done, once] {
        if (once->claim() && guard)
            done(readFile(account));
    });
    job->start();
}

void TokenStore::write(const QString &account, const QString &token)
{
    if (m_preferred == Backend::File) {
        writeFile(account, token);
        m_lastWrite = Backend::File;
        QTimer::singleShot(0, this, [this] { emit written(Backend::File); });
        return;
    }
    auto once = std::make_shared<Once>();
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setKey(account);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [this, job, account, token, once] {
        if (!once->claim())
            return;
        if (job->error() == QKeychain::NoError) {
            writeFile(account, {}); // no second copy outside the keychain
            m_lastWrite = Backend::Keychain;
        } else {
            qInfo("confab: no system keychain (%s); the session token is kept in an owner-only "
                  "file",
                  qUtf8Printable(job->errorString()));
            writeFile(account, token);
            m_lastWrite = Backend::File;
        }
        emit written(m_lastWrite);
    });
    QTimer::singleShot(kKeychainTimeout, this, [this, account, token, once] {
        if (!once->claim())
            return;
        writeFile(account, token);
        m_lastWrite = Backend::File;
        emit written(m_lastWrite);
    });
    job->start();
}

void TokenStore::remove(const QString &account)
{
    writeFile(account, {});
    if (m_preferred == Backend::File) {
        QTimer::singleShot(0, this, [this] { emit removed(); });
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setKey(account);
    connect(job, &QKeychain::Job::finished, this, [this] { emit removed(); });
    job->start();
}

} // namespace confab::client
