#include "DatabaseUrl.h"

#include <QDir>
#include <QUrl>

namespace confab::server {

using namespace Qt::StringLiterals;

std::optional<DatabaseUrl> DatabaseUrl::parse(const QString &text, QString *error)
{
    DatabaseUrl parsed;
    // A SQLite URL is the scheme and a plain file path, taken as written: paths may hold
    // spaces or '%' that URL decoding would change.
    if (text.startsWith("sqlite://"_L1)) {
        parsed.dialect = Dialect::Sqlite;
        parsed.path = text.mid(9);
        if (!QDir::isAbsolutePath(parsed.path)) {
            *error
                = u"A SQLite URL names an absolute file path: sqlite:///var/lib/confab/confab.db"_s;
            return std::nullopt;
        }
        return parsed;
    }
    const QUrl url(text, QUrl::StrictMode);
    if (url.scheme() == "postgresql"_L1 || url.scheme() == "postgres"_L1) {
        parsed.dialect = Dialect::Postgres;
        parsed.host = url.host();
        parsed.port = url.port(5432);
        parsed.user = url.userName();
        parsed.password = url.password();
        parsed.database = url.path().mid(1);
        if (parsed.host.isEmpty() || parsed.database.isEmpty() || parsed.database.contains(u'/')) {
            *error = u"A PostgreSQL URL looks like postgresql://user:password@host:5432/database"_s;
            return std::nullopt;
        }
        return parsed;
    }
    *error = u"The database URL must start with sqlite:// or postgresql://"_s;
    return std::nullopt;
}

QString DatabaseUrl::redacted() const
{
    if (dialect == Dialect::Sqlite)
        return u"sqlite://"_s + path;
    return u"postgresql://%1@%2:%3/%4"_s.arg(user, host).arg(port).arg(database);
}

} // namespace confab::server
