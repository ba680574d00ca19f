#include "ClientSession.h"
#include "OperationReply.h"
#include "Operations.h"
#include "auth/KdfPool.h"
#include "auth/LoginThrottle.h"
#include "auth/SessionToken.h"
#include "config/ServerConfig.h"
#include "presence/PresenceRegistry.h"
#include "protocol/AccountMessages.h"
#include "protocol/Limits.h"
#include "protocol/Validation.h"

#include <QDateTime>

namespace confab::server::accountOps {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;
using protocol::Outcome;
using protocol::Request;
using namespace operation;

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool refuseSecondSignIn(ClientSession &session, const Request &request)
{
    if (session.user() || session.signInPending()) {
        session.replyError(
            request.id,
            makeError(ErrorCode::AlreadyAuthenticated, u"This connection is already signed in."_s));
        return true;
    }
    return false;
}

protocol::ProtocolError busy(const KdfPool &kdf)
{
    auto error = makeError(ErrorCode::ServerBusy,
                           u"The server is busy signing others in; retry shortly."_s);
    error.retryAfterMs = kdf.suggestedRetryAfterMs();
    return error;
}

// Finishes register, login and resume alike: attaches the connection and replies.
void completeSignIn(ClientSession &session, const QJsonValue &requestId,
                    const Outcome<SignIn> &outcome, const QString &tokenHash, const QString &token)
{
    session.setSignInPending(false);
    if (!outcome) {
        session.replyError(requestId, outcome.error());
        return;
    }
    session.signIn(outcome->signedIn.user, tokenHash, outcome->roomIds);
    reply(session, requestId,
          protocol::SignInReply { outcome->signedIn.user,
                                  token.isEmpty() ? std::nullopt : std::optional(token),
                                  outcome->signedIn.expiresAt });
}

// Issues a new token for `user` and signs the connection in with it.
void issueSession(ClientSession &session, const QJsonValue &requestId, const protocol::User &user)
{
    const QString token = SessionToken::generate();
    const QString tokenHash = SessionToken::hashOf(token);
    const qint64 expiresAt
        = now() + qint64(session.services().config.tokenTtlDays) * 24 * 3600 * 1000;
    callStore(
        session,
        [user, tokenHash, expiresAt](StoreContext &store) -> Outcome<SignIn> {
            auto signedIn = store.accounts.createSession(user, tokenHash, now(), expiresAt);
            if (!signedIn)
                return signedIn.error();
            auto rooms = store.rooms.roomIdsOf(user.id);
            if (!rooms)
                return rooms.error();
            return SignIn { *signedIn, *rooms };
        },
        [&session, requestId, tokenHash, token](Outcome<SignIn> outcome) {
            completeSignIn(session, requestId, outcome, tokenHash, token);
        });
}

} // namespace

void registerUser(ClientSession &session, const Request &request)
{
    if (refuseSecondSignIn(session, request))
        return;
    const auto args = readArguments<protocol::RegisterRequest>(session, request);
    if (!args)
        return;
    const QString username = args->username;
    const QString password = args->password;
    if (auto invalid = protocol::validation::username(username))
        return session.replyError(request.id, *invalid);
    if (auto invalid = protocol::validation::password(password))
        return session.replyError(request.id, *invalid);

    auto &kdf = session.services().kdf;
    const QJsonValue requestId = request.id;
    session.setSignInPending(true);
    const bool queued
        = kdf.hashPassword(password, &session, [&session, requestId, username](QString hash) {
              callStore(
                  session,
                  [username, hash](StoreContext &store) {
                      return store.accounts.createUser(username, hash, now());
                  },
                  [&session, requestId](Outcome<protocol::User> created) {
                      if (!created) {
                          session.setSignInPending(false);
                          return session.replyError(requestId, created.error());
                      }
                      issueSession(session, requestId, *created);
                  });
          });
    if (!queued) {
        session.setSignInPending(false);
        session.replyError(request.id, busy(kdf));
    }
}

void login(ClientSession &session, const Request &request)
{
    if (refuseSecondSignIn(session, request))
        return;
    const auto args = readArguments<protocol::LoginRequest>(session, request);
    if (!args)
        return;
    const QString username = args->username;
    const QString password = args->password;

    const QString accountKey
        = protocol::validation::usernameKey(username.left(protocol::kUsernameMaxChars + 1));
    const QHostAddress address = session.peerAddress();
    auto &throttle = session.services().loginThrottle;
    if (const auto wait = throttle.retryAfterMs(accountKey, address)) {
        auto error = makeError(ErrorCode::LoginThrottled,
                               u"Too many failed sign-ins; wait before trying again."_s);
        error.retryAfterMs = *wait;
        return session.replyError(request.id, error);
    }

    const QJsonValue requestId = request.id;
    session.setSignInPending(true);
    callStore(
        session,
        [accountKey](StoreContext &store) { return store.accounts.credentials(accountKey); },
        [&session, requestId, password, accountKey,
         address](std::optional<Credentials> credentials) {
            auto &kdf = session.services().kdf;
            const std::optional<QString> hash
                = credentials ? std::optional(credentials->passwordHash) : std::nullopt;
            const bool queued = kdf.verifyPassword(
                password, hash, &session,
                [&session, requestId, credentials, accountKey, address](bool matches) {
                    auto &throttle = session.services().loginThrottle;
                    if (!matches || !credentials) {
                        throttle.recordFailure(accountKey, address);
                        session.setSignInPending(false);
                        return session.replyError(
                            requestId,
                            makeError(ErrorCode::InvalidCredentials,
                                      u"The user name or the password is wrong."_s));
                    }
                    throttle.recordSuccess(accountKey, address);
                    issueSession(session, requestId, credentials->user);
                });
            if (!queued) {
                session.setSignInPending(false);
                session.replyError(requestId, busy(kdf));
            }
        });
}

void resume(ClientSession &session, const Request &request)
{
    if (refuseSecondSignIn(session, request))
        return;
    const auto args = readArguments<protocol::ResumeRequest>(session, request);
    if (!args)
        return;

    const QString tokenHash = SessionToken::hashOf(args->token);
    const QJsonValue requestId = request.id;
    session.setSignInPending(true);
    callStore(
        session,
        [tokenHash](StoreContext &store) { return store.accounts.resumeSession(tokenHash, now()); },
        [&session, requestId, tokenHash](Outcome<SignIn> outcome) {
            completeSignIn(session, requestId, outcome, tokenHash, QString());
        });
}

void logout(ClientSession &session, const Request &request)
{
    const QString tokenHash = session.tokenHash();
    session.signOut();
    askStore(
        session, request.id,
        [tokenHash](StoreContext &store) { return store.accounts.revokeSession(tokenHash, now()); },
        [](bool) { return protocol::EmptyReply {}; });
}

void presence(ClientSession &session, const Request &request)
{
    const auto args = readArguments<protocol::PresenceRequest>(session, request);
    if (!args)
        return;
    auto &presence = session.services().presence;
    const auto &user = *session.user();
    presence.setPresence(user.id, args->status);
    presence.publishToUsers(presence.peersOf(user.id),
                            protocol::encodePush(protocol::PresencePush { user, args->status }));
    reply(session, request.id, protocol::EmptyReply {});
}

} // namespace confab::server::accountOps
