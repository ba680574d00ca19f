#pragma once

#include "DatabaseUrl.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QString>

#include <initializer_list>

namespace confab::server {

// One connection to the database, owned by the thread that opened it (a QSqlDatabase may
// only be used there). Statements are prepared once and reused: on PostgreSQL that saves a
// round trip per query, on SQLite the compile.
class Database
{
public:
    // applicationName tells this connection apart in pg_stat_activity.
    Database(DatabaseUrl url, QString connectionName,
             QString applicationName = QStringLiteral("confabd"));
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    bool open(QString *error);
    // A PostgreSQL connection that the server ended (a restart, an administrator, a network
    // cut) stays dead: QtSql does not connect again. With this on, a statement or begin() that
    // fails on a lost connection, outside a transaction and with no other statement's results
    // still open, connects again and runs once more. Off by default: a connection that holds
    // state of its own (LISTEN) must see the loss instead.
    void setReconnectWhenLost(bool reconnect) { m_reconnectWhenLost = reconnect; }
    // Connects again if the connection is lost (one round trip to find out); true when it did.
    // Statements are prepared again on the new connection, in place.
    bool reconnectIfLost();
    // Lets go of every statement's results, so that the next statement may run again on a new
    // connection should it meet a lost one.
    void releaseResults();
    Dialect dialect() const { return m_url.dialect; }
    const DatabaseUrl &url() const { return m_url; }

    // Runs a prepared statement with positional (?) values. Returns the query positioned
    // before its first row; check ok() on the result.
    QSqlQuery &exec(const QString &sql, std::initializer_list<QVariant> values = {});
    QSqlQuery &exec(const QString &sql, const QVariantList &values);
    bool execOk(const QString &sql, std::initializer_list<QVariant> values = {});
    bool execOk(const QString &sql, const QVariantList &values);
    // For schema statements that cannot be prepared with values.
    bool execDirect(const QString &sql, QString *error);

    bool begin();
    bool commit();
    void rollback();

    // For what QtSql offers beyond queries, such as PostgreSQL's notifications.
    QSqlDriver *driver() const { return m_db.driver(); }

    bool lastFailed() const { return m_lastFailed; }
    QString lastError() const { return m_lastError; }

private:
    QSqlQuery &statement(const QString &sql);
    bool run(QSqlQuery &query, const QVariantList &values);
    // Whether a failure just now may be retried on a new connection: nothing else depends on
    // the one that failed.
    bool mayReconnectFor(const QSqlQuery *failed) const;

    DatabaseUrl m_url;
    QString m_connectionName;
    QString m_applicationName;
    QSqlDatabase m_db;
    QHash<QString, QSqlQuery> m_statements;
    bool m_lastFailed = false;
    bool m_reconnectWhenLost = false;
    bool m_inTransaction = false;
    QString m_lastError;
};

// QtSql binds a null QString as SQL NULL; text columns that are NOT NULL get "" instead.
inline QString nonNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

// Rolls back unless committed, so an early return on a refusal or failure leaves nothing
// half-written.
class Transaction
{
public:
    explicit Transaction(Database &db)
        : m_db(db)
        , m_open(db.begin())
    { }
    ~Transaction()
    {
        if (m_open)
            m_db.rollback();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isOpen() const { return m_open; }
    bool commit()
    {
        const bool committed = m_open && m_db.commit();
        m_open = false;
        return committed;
    }

private:
    Database &m_db;
    bool m_open;
};

// Reads the current row of a query by column index: short, readable access for the
// repositories.
class Row
{
public:
    explicit Row(const QSqlQuery &query)
        : m_query(query)
    { }
    qint64 i64(int column) const { return m_query.value(column).toLongLong(); }
    QString text(int column) const { return m_query.value(column).toString(); }
    bool isNull(int column) const { return m_query.isNull(column); }

private:
    const QSqlQuery &m_query;
};

} // namespace confab::server
