#include "TestDatabase.h"

#include <QDir>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtDebug>

namespace confab::test {

using namespace Qt::StringLiterals;

namespace {

constexpr auto kBackendVariable = "CONFAB_TEST_BACKEND";
constexpr auto kPostgresUrlVariable = "CONFAB_TEST_POSTGRES_URL";

QString randomDatabaseName()
{
    QString name = u"confab_t_"_s;
    auto *random = QRandomGenerator::system();
    for (int i = 0; i < 12; ++i)
        name.append(QChar(u"abcdefghijklmnopqrstuvwxyz0123456789"[random->bounded(36)]));
    return name;
}

} // namespace

TestDatabase::TestDatabase(Backend backend, QString url, QUrl adminUrl, QString databaseName)
    : m_backend(backend)
    , m_url(std::move(url))
    , m_adminUrl(std::move(adminUrl))
    , m_databaseName(std::move(databaseName))
{ }

std::unique_ptr<TestDatabase> TestDatabase::create(const QString &dataDir, QString *error)
{
    const QString backend = qEnvironmentVariable(kBackendVariable, u"sqlite"_s);
    if (backend == "sqlite"_L1) {
        const QString path = QDir(dataDir).absoluteFilePath(u"confab.db"_s);
        return std::unique_ptr<TestDatabase>(
            new TestDatabase(Backend::Sqlite, u"sqlite://"_s + path, {}, {}));
    }
    if (backend != "postgres"_L1) {
        *error = u"%1 is \"%2\"; it must be \"sqlite\" or \"postgres\"."_s.arg(
            QLatin1StringView(kBackendVariable), backend);
        return nullptr;
    }

    const QString adminText = qEnvironmentVariable(kPostgresUrlVariable);
    if (adminText.isEmpty()) {
        *error = u"%1=postgres needs %2, an administrative URL such as "
                 "postgresql://confab:confab@127.0.0.1:5432/postgres of a role that may "
                 "create databases; it is not set."_s.arg(QLatin1StringView(kBackendVariable),
                                                          QLatin1StringView(kPostgresUrlVariable));
        return nullptr;
    }
    const QUrl adminUrl(adminText, QUrl::StrictMode);
    if (!adminUrl.isValid() || adminUrl.scheme() != "postgresql"_L1 || adminUrl.host().isEmpty()) {
        *error = u"%1 is not a postgresql:// URL."_s.arg(QLatin1StringView(kPostgresUrlVariable));
        return nullptr;
    }
    return createPostgres(adminUrl, error);
}

std::unique_ptr<TestDatabase> TestDatabase::createPostgres(const QUrl &adminUrl, QString *error)
{
    const QString name = randomDatabaseName();
    if (!runAdminStatement(adminUrl, u"CREATE DATABASE %1"_s.arg(name), error))
        return nullptr;

    QUrl serverUrl = adminUrl;
    serverUrl.setPath(u"/"_s + name);
    return std::unique_ptr<TestDatabase>(new TestDatabase(
        Backend::Postgres, serverUrl.toString(QUrl::FullyEncoded), adminUrl, name));
}

TestDatabase::~TestDatabase()
{
    if (m_backend != Backend::Postgres)
        return;
    QString error;
    if (!runAdminStatement(
            m_adminUrl, u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(m_databaseName), &error))
        qWarning().noquote() << error;
}

QString TestDatabase::backendName() const
{
    return m_backend == Backend::Postgres ? u"postgres"_s : u"sqlite"_s;
}

bool TestDatabase::runAdminStatement(const QUrl &adminUrl, const QString &statement, QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s)) {
        *error = u"The Qt SQL driver QPSQL is not available."_s;
        return false;
    }
    const QString connectionName
        = u"confab-test-admin-%1"_s.arg(QRandomGenerator::global()->generate64(), 0, 16);
    bool ok = false;
    {
        auto db = QSqlDatabase::addDatabase(u"QPSQL"_s, connectionName);
        db.setHostName(adminUrl.host());
        db.setPort(adminUrl.port(5432));
        db.setUserName(adminUrl.userName());
        db.setPassword(adminUrl.password());
        db.setDatabaseName(adminUrl.path().mid(1));
        if (!db.open()) {
            *error = u"Cannot connect to the PostgreSQL administrative database at %1:%2: %3"_s
                         .arg(adminUrl.host())
                         .arg(adminUrl.port(5432))
                         .arg(db.lastError().text());
        } else {
            QSqlQuery query(db);
            ok = query.exec(statement);
            if (!ok)
                *error
                    = u"PostgreSQL refused \"%1\": %2"_s.arg(statement, query.lastError().text());
            query.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connectionName);
    return ok;
}

} // namespace confab::test
