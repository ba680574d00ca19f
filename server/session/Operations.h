#pragma once

#include "protocol/Frames.h"

#include <QLatin1StringView>

namespace confab::server {

class ClientSession;

using OperationHandler = void (*)(ClientSession &session, const protocol::Request &request);

struct Operation
{
    QLatin1StringView name;
    bool needsSignIn;
    OperationHandler handler;
};

const Operation *findOperation(QStringView name);

// The handlers, grouped by what they act on. Each reads and validates its arguments, asks
// the store (or the presence registry) and replies; none blocks.
namespace accountOps {
void registerUser(ClientSession &session, const protocol::Request &request);
void login(ClientSession &session, const protocol::Request &request);
void resume(ClientSession &session, const protocol::Request &request);
void logout(ClientSession &session, const protocol::Request &request);
void presence(ClientSession &session, const protocol::Request &request);
} // namespace accountOps

namespace roomOps {
void createRoom(ClientSession &session, const protocol::Request &request);
void publicRooms(ClientSession &session, const protocol::Request &request);
void join(ClientSession &session, const protocol::Request &request);
void leave(ClientSession &session, const protocol::Request &request);
void invite(ClientSession &session, const protocol::Request &request);
void myRooms(ClientSession &session, const protocol::Request &request);
void members(ClientSession &session, const protocol::Request &request);
void typing(ClientSession &session, const protocol::Request &request);
void read(ClientSession &session, const protocol::Request &request);
} // namespace roomOps

namespace messageOps {
void send(ClientSession &session, const protocol::Request &request);
void edit(ClientSession &session, const protocol::Request &request);
void remove(ClientSession &session, const protocol::Request &request);
void history(ClientSession &session, const protocol::Request &request);
void sync(ClientSession &session, const protocol::Request &request);
} // namespace messageOps

} // namespace confab::server
