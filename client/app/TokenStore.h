#pragma once

#include <QObject>
#include <QString>

#include <chrono>
#include <functional>

namespace confab::client {

// Where the session token of an account is kept between runs: the system keychain through
// QtKeychain when there is one; otherwise a file only its owner may read, in the client's
// data directory (a machine without a keychain daemon, such as a headless test host).
class TokenStore : public QObject
{
    Q_OBJECT

public:
    enum class Backend { Keychain, File };
    Q_ENUM(Backend)

    using ReadHandler = std::function<void(const QString &token)>;

    // A keychain that does not answer within this time counts as not there.
    static constexpr std::chrono::milliseconds kKeychainTimeout { 5'000 };

    // preferred is Keychain unless the keychain must not be touched (CONFAB_TOKEN_STORE=file).
    TokenStore(QString fallbackFile, Backend preferred = Backend::Keychain,
               QObject *parent = nullptr);

    // Calls done with the token (empty when none is kept), from the event loop.
    void read(const QString &account, QObject *context, ReadHandler done);
    void write(const QString &account, const QString &token);
    void remove(const QString &account);

    // Where the last write went.
    Backend lastWriteBackend() const { return m_lastWrite; }
    QString fallbackFile() const { return m_fallbackFile; }

signals:
    void written(confab::client::TokenStore::Backend backend);
    void removed();

private:
    QString readFile(const QString &account) const;
    bool writeFile(const QString &account, const QString &token) const;

    QString m_fallbackFile;
    Backend m_preferred;
    Backend m_lastWrite = Backend::File;
};

} // namespace confab::client
