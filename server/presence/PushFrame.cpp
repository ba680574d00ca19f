#include "PushFrame.h"

#include "websocket/WebSocketFrame.h"

namespace confab::server {

PushFrame::PushFrame(QByteArrayView utf8)
    : m_bytes(websocket::serverFrame(websocket::Text, utf8))
{ }

} // namespace confab::server
