#pragma once

#include "protocol/ProtocolError.h"

#include <QString>

namespace confab::client {

// A refusal from the server in words for the user, in the user's language; the server's own
// English message where the code says too little.
QString errorText(const protocol::ProtocolError &error);

} // namespace confab::client
