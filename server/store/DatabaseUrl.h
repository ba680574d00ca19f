#pragma once

#include "protocol/ProtocolError.h"

#include <QString>

#include <optional>

namespace confab::server {

enum class Dialect { Sqlite, Postgres };

// Where the data lives: `sqlite:///absolute/path.db` or
// `postgresql://user:password@host:port/database`.
struct DatabaseUrl
{
    Dialect dialect = Dialect::Sqlite;
    QString path; // SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;

    static std::optional<DatabaseUrl> parse(const QString &url, QString *error);
    // The URL with the password hidden, for logs.
    QString redacted() const;
};

} // namespace confab::server
