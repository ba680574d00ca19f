#pragma once

#include <QtGlobal>

namespace confab::test {

// Asks the kernel for a free port of 127.0.0.1, or 0 when there is none. The port is handed
// to a server a moment later; another process taking it in between makes that server's start
// fail clearly, not a test pass wrongly.
quint16 freeLoopbackPort();

} // namespace confab::test
