#pragma once

#include "ClientSession.h"
#include "protocol/Frames.h"
#include "protocol/MessageFields.h"
#include "store/Store.h"

#include <optional>
#include <type_traits>
#include <utility>

// What every operation does between reading its request and replying: read the typed
// arguments, ask the store, and shape the result into the typed reply.
namespace confab::server::operation {

template<typename T> struct OutcomeValue;
template<typename T> struct OutcomeValue<protocol::Outcome<T>>
{
    using type = T;
};

// The request's typed arguments, or nothing when they are refused: the refusal is the reply.
template<protocol::WireMessage Arguments>
std::optional<Arguments> readArguments(ClientSession &session, const protocol::Request &request)
{
    auto arguments = protocol::fromJson<Arguments>(request.body);
    if (!arguments) {
        session.replyError(request.id, arguments.error());
        return std::nullopt;
    }
    return std::move(arguments).value();
}

template<protocol::WireMessage Reply>
void reply(ClientSession &session, const QJsonValue &requestId, const Reply &result,
           const protocol::EventEncoder &encodeEvent = {})
{
    session.reply(requestId, protocol::toJson(result, encodeEvent));
}

// Runs `work` on the store thread and then `done` with its result on the session's thread.
//
// `done` may capture the session by reference, and so may whatever it calls: the result is
// posted through session.replyTarget() to the session's own thread, and there it is dropped
// when the session is gone by then (ReplyTarget checks in the thread where the session would
// have been deleted). Every store call of an operation goes through here or through
// appendToTimeline() for that reason.
template<typename Work, typename Done> void callStore(ClientSession &session, Work work, Done done)
{
    using Result = std::invoke_result_t<Work &, StoreContext &>;
    session.services().store.call<Result>(session.replyTarget(), std::move(work), std::move(done));
}

// The reply to an Outcome<T>: its refusal as the error, or what `shape` makes of its value
// (which may also tell the presence registry what happened first).
template<typename T, typename Shape>
auto replyWith(ClientSession &session, const QJsonValue &requestId, Shape shape,
               protocol::EventEncoder encodeEvent)
{
    return [&session, requestId, shape = std::move(shape),
            encodeEvent = std::move(encodeEvent)](protocol::Outcome<T> outcome) {
        if (!outcome)
            return session.replyError(requestId, outcome.error());
        reply(session, requestId, shape(outcome.value()), encodeEvent);
    };
}

// The usual operation: the store's work yields an Outcome<T>; a refusal is replied as it is and
// a value is shaped into the reply. `encodeEvent` is for replies with many events.
template<typename Work, typename Shape>
void askStore(ClientSession &session, const QJsonValue &requestId, Work work, Shape shape,
              protocol::EventEncoder encodeEvent = {})
{
    using T = typename OutcomeValue<std::invoke_result_t<Work &, StoreContext &>>::type;
    callStore(session, std::move(work),
              replyWith<T>(session, requestId, std::move(shape), std::move(encodeEvent)));
}

// Send, edit and delete enter the timeline through the store's group commit, and are
// acknowledged only once committed; the same rule as callStore() makes the capture safe.
template<typename Shape>
void appendToTimeline(ClientSession &session, const QJsonValue &requestId, PendingEvent event,
                      Shape shape)
{
    session.services().store.append(
        std::move(event), session.replyTarget(),
        replyWith<CommittedEvent>(session, requestId, std::move(shape), {}));
}

} // namespace confab::server::operation
