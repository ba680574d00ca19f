#include "ClientSession.h"
#include "Operations.h"
#include "auth/KdfPool.h"
#include "auth/LoginThrottle.h"
#include "auth/SessionToken.h"
#include "config/ServerConfig.h"
#include "hub/Hub.h"
#include "protocol/ArgumentReader.h"
#include "protocol/Frames.h"
#include "protocol/Limits.h"
#include "protocol/Operations.h"
#include "protocol/Validation.h"
#include "store/Store.h"

#include <QDateTime>

namespace confab::server::accountOps {

using namespace Qt::StringLiterals;
using protocol::ErrorCode;
using protocol::makeError;
using protocol::Outcome;
using protocol::Request;

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
    QJsonObject result { { "user"_L1, outcome->signedIn.user.toJson() },
                         { "expires_at"_L1, outcome->signedIn.expiresAt } };
    if (!token.isEmpty())
        result.insert("token"_L1, token);
    session.reply(requestId, result);
}

// Issues a new token for `user` and signs the connection in with it.
void issueSession(ClientSession &session, const QJsonValue &requestId, const protocol::User &user)
{
    const QString token = SessionToken::generate();
    const QString tokenHash = SessionToken::hashOf(token);
    const qint64 expiresAt
        = now() + qint64(session.services().config.tokenTtlDays) * 24 * 3600 * 1000;
    session.services().store.call<Outcome<SignIn>>(
        session.replyTarget(),
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
    protocol::ArgumentReader args(request.body);
    const QString username = args.requiredString("username"_L1);
    const QString password = args.requiredString("password"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    if (auto invalid = protocol::validation::username(username))
        return session.replyError(request.id, *invalid);
    if (auto invalid = protocol::validation::password(password))
        return session.replyError(request.id, *invalid);

    auto &kdf = session.services().kdf;
    const QJsonValue requestId = request.id;
    session.setSignInPending(true);
    const bool queued
        = kdf.hashPassword(password, &session, [&session, requestId, username](QString hash) {
              session.services().store.call<Outcome<protocol::User>>(
                  session.replyTarget(),
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
    protocol::ArgumentReader args(request.body);
    const QString username = args.requiredString("username"_L1);
    const QString password = args.requiredString("password"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());

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
    session.services().store.call<std::optional<Credentials>>(
        session.replyTarget(),
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
    protocol::ArgumentReader args(request.body);
    const QString token = args.requiredString("token"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());

    const QString tokenHash = SessionToken::hashOf(token);
    const QJsonValue requestId = request.id;
    session.setSignInPending(true);
    session.services().store.call<Outcome<SignIn>>(
        session.replyTarget(),
        [tokenHash](StoreContext &store) { return store.accounts.resumeSession(tokenHash, now()); },
        [&session, requestId, tokenHash](Outcome<SignIn> outcome) {
            completeSignIn(session, requestId, outcome, tokenHash, QString());
        });
}

void logout(ClientSession &session, const Request &request)
{
    const QString tokenHash = session.tokenHash();
    const QJsonValue requestId = request.id;
    session.signOut();
    session.services().store.call<Outcome<bool>>(
        session.replyTarget(),
        [tokenHash](StoreContext &store) { return store.accounts.revokeSession(tokenHash, now()); },
        [&session, requestId](Outcome<bool> revoked) {
            if (!revoked)
                return session.replyError(requestId, revoked.error());
            session.reply(requestId, {});
        });
}

void presence(ClientSession &session, const Request &request)
{
    protocol::ArgumentReader args(request.body);
    const QString status = args.requiredString("status"_L1);
    if (args.failed())
        return session.replyError(request.id, *args.error());
    PresenceStatus presence;
    if (status == "online"_L1)
        presence = PresenceStatus::Online;
    else if (status == "away"_L1)
        presence = PresenceStatus::Away;
    else
        return session.replyError(
            request.id,
            makeError(ErrorCode::BadRequest, u"\"status\" must be \"online\" or \"away\"."_s));
    auto &hub = session.services().hub;
    const auto &user = *session.user();
    hub.setPresence(user.id, presence);
    hub.publishToUsers(hub.peersOf(user.id),
                       protocol::encodePush(protocol::push::Presence,
                                            { { "user"_L1, user.toJson() },
                                              { "status"_L1, presenceName(presence) } }));
    session.reply(request.id, {});
}

} // namespace confab::server::accountOps
