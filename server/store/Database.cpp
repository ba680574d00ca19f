#include "Database.h"

#include <QLoggingCategory>
#include <QSqlError>

namespace confab::server {

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcStore, "confab.store")

Database::Database(DatabaseUrl url, QString connectionName, QString applicationName)
    : m_url(std::move(url))
    , m_connectionName(std::move(connectionName))
    , m_applicationName(std::move(applicationName))
{ }

Database::~Database()
{
    m_statements.clear();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool Database::open(QString *error)
{
    if (m_url.dialect == Dialect::Sqlite) {
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        m_db.setDatabaseName(m_url.path);
        m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    } else {
        m_db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connectionName);
        m_db.setHostName(m_url.host);
        m_db.setPort(m_url.port);
        m_db.setUserName(m_url.user);
        m_db.setPassword(m_url.password);
        m_db.setDatabaseName(m_url.database);
        m_db.setConnectOptions(u"connect_timeout=10;application_name=%1"_s.arg(m_applicationName));
    }
    if (!m_db.isValid()) {
        *error = u"The Qt SQL driver for %1 is not installed."_s.arg(m_db.driverName());
        return false;
    }
    if (!m_db.open()) {
        *error = u"Cannot open %1: %2"_s.arg(m_url.redacted(), m_db.lastError().text());
        return false;
    }
    if (m_url.dialect == Dialect::Sqlite) {
        // WAL lets readers run beside the writer; FULL makes every acknowledged commit
        // survive power loss, and group commit keeps that affordable.
        for (const auto &pragma : { u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                                    u"PRAGMA foreign_keys=ON"_s }) {
            if (!execDirect(pragma, error))
                return false;
        }
    }
    return true;
}

QSqlQuery &Database::exec(const QString &sql, std::initializer_list<QVariant> values)
{
    return exec(sql, QVariantList(values));
}

QSqlQuery &Database::exec(const QString &sql, const QVariantList &values)
{
    QSqlQuery &query = statement(sql);
    m_lastFailed = !run(query, values);
    if (m_lastFailed && mayReconnectFor(&query) && reconnectIfLost())
        m_lastFailed = !run(query, values);
    if (m_lastFailed) {
        m_lastError = query.lastError().text();
        qCWarning(lcStore) << "query failed:" << m_lastError << "in" << sql;
    }
    return query;
}

QSqlQuery &Database::statement(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        // A statement that fails to prepare stays cached: it is a programming error, and each
        // later exec() then fails and is reported like any other failed query.
        if (!query.prepare(sql))
            qCWarning(lcStore) << "prepare failed:" << query.lastError().text() << "in" << sql;
        it = m_statements.insert(sql, query);
    }
    return it.value();
}

bool Database::run(QSqlQuery &query, const QVariantList &values)
{
    query.finish();
    int index = 0;
    for (const auto &value : values)
        query.bindValue(index++, value);
    return query.exec();
}

bool Database::mayReconnectFor(const QSqlQuery *failed) const
{
    // Inside a transaction, what ran before on the lost connection is gone with it; results
    // still open elsewhere would be cut off by preparing their statements again.
    if (!m_reconnectWhenLost || m_url.dialect != Dialect::Postgres || m_inTransaction)
        return false;
    for (const auto &query : m_statements) {
        if (&query != failed && query.isActive())
            return false;
    }
    return true;
}

bool Database::reconnectIfLost()
{
    if (m_url.dialect != Dialect::Postgres)
        return false; // SQLite has no connection to lose
    if (m_db.isOpen() && QSqlQuery(u"SELECT 1"_s, m_db).isActive())
        return false;
    qCWarning(lcStore) << "lost the database connection; connecting again";
    m_inTransaction = false;
    // The statements are replaced in place (a repository keeps the reference exec() gave it),
    // the old ones before the close, while the driver still knows them.
    for (auto &query : m_statements)
        query = QSqlQuery(m_db);
    m_db.close();
    if (!m_db.open()) {
        qCWarning(lcStore).noquote() << "cannot connect again:" << m_db.lastError().text();
        return false;
    }
    for (auto it = m_statements.begin(); it != m_statements.end(); ++it) {
        it.value().setForwardOnly(true);
        if (!it.value().prepare(it.key()))
            qCWarning(lcStore) << "prepare failed:" << it.value().lastError().text() << "in"
                               << it.key();
    }
    return true;
}

void Database::releaseResults()
{
    for (auto &query : m_statements)
        query.finish();
}

bool Database::execOk(const QString &sql, std::initializer_list<QVariant> values)
{
    return execOk(sql, QVariantList(values));
}

bool Database::execOk(const QString &sql, const QVariantList &values)
{
    QSqlQuery &query = exec(sql, values);
    query.finish();
    return !m_lastFailed;
}

bool Database::execDirect(const QString &sql, QString *error)
{
    QSqlQuery query(m_db);
    if (!query.exec(sql)) {
        *error = u"%1: %2"_s.arg(sql.left(80), query.lastError().text());
        return false;
    }
    return true;
}

bool Database::begin()
{
    bool begun = m_db.transaction();
    if (!begun && mayReconnectFor(nullptr) && reconnectIfLost())
        begun = m_db.transaction();
    if (!begun) {
        m_lastError = m_db.lastError().text();
        qCWarning(lcStore) << "begin failed:" << m_lastError;
        return false;
    }
    m_inTransaction = true;
    return true;
}

bool Database::commit()
{
    releaseResults();
    m_inTransaction = false;
    if (!m_db.commit()) {
        m_lastError = m_db.lastError().text();
        qCWarning(lcStore) << "commit failed:" << m_lastError;
        m_db.rollback();
        return false;
    }
    return true;
}

void Database::rollback()
{
    releaseResults();
    m_inTransaction = false;
    m_db.rollback();
}

} // namespace confab::server
