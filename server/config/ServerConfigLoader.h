#pragma once

#include "config/ServerConfig.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace confab::server {

struct ConfigParseResult
{
    std::optional<ServerConfig> config; // set when confabd should start
    int exitCode = 0; // when config is empty: exit with this code (0 for --help/--version, 2 for a
                      // usage/config error)
    QString message; // to print: stdout when exitCode == 0, stderr otherwise; no final newline
};

// Builds the configuration from defaults, the config file (--config or CONFAB_CONFIG), CONFAB_*
// environment variables and the command line, each overriding the one before. `arguments` is
// the whole command line, program name first, as QCoreApplication::arguments() gives it.
//
// In the returned config every path is absolute and clean: the data directory resolved against
// `workingDirectory`, the TLS files against the data directory, and the database URL either
// "postgresql://…" as given or "sqlite://" followed by an absolute path (not percent-encoded).
// Every problem found is reported, one per line, naming the setting and where it came from;
// the database URL is never repeated in a message because it may hold a password.
ConfigParseResult parseServerConfig(const QStringList &arguments,
                                    const QProcessEnvironment &environment,
                                    const QString &workingDirectory);

} // namespace confab::server
