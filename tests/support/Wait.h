#pragma once

#include <chrono>
#include <functional>

namespace confab::test {

// Runs the event loop until condition() holds or the timeout passes, and says whether it
// holds. The condition is checked every time the event loop has handled what was pending
// and is about to wait again, so nothing is polled on a timer.
bool waitUntil(const std::function<bool()> &condition, std::chrono::milliseconds timeout);

// Runs the event loop for the given time. Only for delays the server itself asks for
// (retry_after_ms) and for proving that something does not happen within a bounded time.
void runEventLoopFor(std::chrono::milliseconds duration);

} // namespace confab::test
