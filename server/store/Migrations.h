#pragma once

#include <QString>

namespace confab::server {

class Database;

// Brings the schema to the newest version at start, one transaction per version. The list
// of versions is append-only: a released migration is never edited.
class Migrations
{
public:
    static bool apply(Database &db, QString *error);
    static int latestVersion();
};

} // namespace confab::server
