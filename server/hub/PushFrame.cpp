#include "PushFrame.h"

#include "websocket/WebSocketFrame.h"

namespace confab::server {

PushFrame::PushFrame(QStringView text)
    : m_bytes(websocket::serverFrame(websocket::Text, text.toUtf8()))
{ }

} // namespace confab::server
