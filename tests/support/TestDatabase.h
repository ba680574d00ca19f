#pragma once

#include <QString>
#include <QUrl>

#include <memory>

namespace confab::test {

// The database one confabd under test stores into, chosen by CONFAB_TEST_BACKEND:
// "sqlite" (the default) is a file in the server's data directory; "postgres" is a fresh
// database created through the administrative URL in CONFAB_TEST_POSTGRES_URL and dropped
// again when this object goes away.
class TestDatabase
{
public:
    enum class Backend { Sqlite, Postgres };

    // Returns nullptr and sets *error when the backend is unknown or cannot be prepared.
    static std::unique_ptr<TestDatabase> create(const QString &dataDir, QString *error);
    // A fresh database on the PostgreSQL server of adminUrl, whatever the environment says;
    // for tests that bring their own server (see PostgresServer).
    static std::unique_ptr<TestDatabase> createPostgres(const QUrl &adminUrl, QString *error);
    ~TestDatabase();

    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    Backend backend() const { return m_backend; }
    QString backendName() const;
    // What confabd is given as --database.
    QString url() const { return m_url; }

private:
    TestDatabase(Backend backend, QString url, QUrl adminUrl, QString databaseName);

    static bool runAdminStatement(const QUrl &adminUrl, const QString &statement, QString *error);

    Backend m_backend;
    QString m_url;
    QUrl m_adminUrl;
    QString m_databaseName;
};

} // namespace confab::test
