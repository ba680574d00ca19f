// The WebSocket side of the Pusher protocol, through pusher-js and raw frames.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startConfabd, app } from './support/confabd.mjs';
import {
  pusherClient, serverSdk, startAuthorizer, authOptions, connected, subscribed, nextEvent,
  recorder, sleep, waitFor, rawSocket, pipelinedSocket,
} from './support/clients.mjs';

let server;
let sdk;
let authorizer;
const clients = [];

function client(options) {
  const pusher = pusherClient(server.port, options);
  clients.push(pusher);
  return pusher;
}

before(async () => {
  server = await startConfabd({ env: { CONFAB_PUSHER_CLIENT_EVENTS_PER_SECOND: '5', CONFAB_PUSHER_MAX_PRESENCE_MEMBERS: '3' } });
  sdk = serverSdk(server.port);
  authorizer = await startAuthorizer(sdk);
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  await authorizer?.close();
  await server?.stop();
});

test('connection_established carries a socket id of the form 123.456 and an activity timeout', async () => {
  const raw = rawSocket(`wss://127.0.0.1:${server.port}/app/${app.key}?protocol=7&client=js&version=8.6.0&flash=false`);
  const frame = await raw.next((f) => f.event === 'pusher:connection_established');
  assert.equal(typeof frame.data, 'string', 'data is a JSON-encoded string');
  const data = JSON.parse(frame.data);
  assert.match(data.socket_id, /^\d+\.\d+$/);
  assert.ok(data.activity_timeout > 0);
  raw.send({ event: 'pusher:ping', data: {} });
  await raw.next((f) => f.event === 'pusher:pong');
  raw.close();
});

test('frames sent in the same write as the upgrade request are answered after connection_established', async () => {
  const raw = await pipelinedSocket(server.port, `/app/${app.key}?protocol=7&client=js&version=8.6.0`, [
    { event: 'pusher:ping', data: {} },
    { event: 'pusher:subscribe', data: { channel: 'pipelined' } },
  ]);
  await raw.next((f) => f.event === 'pusher_internal:subscription_succeeded');
  assert.match(raw.status(), /^HTTP\/1\.1 101 /);
  assert.deepEqual(raw.received.map((f) => f.event),
    ['pusher:connection_established', 'pusher:pong', 'pusher_internal:subscription_succeeded']);
  raw.close();
});

test('a wrong app key is closed with 4001 and pusher-js gives up', async () => {
  const raw = rawSocket(`wss://127.0.0.1:${server.port}/app/not-a-key?protocol=7&client=js&version=8.6.0`);
  assert.equal((await raw.closed).code, 4001);
  const wrong = pusherClient(server.port, {}, 'not-a-key');
  clients.push(wrong);
  const errors = [];
  wrong.connection.bind('error', (e) => errors.push(e));
  await waitFor(() => errors.some((e) => e.error?.data?.code === 4001), { what: 'the 4001 error' });
  await waitFor(() => wrong.connection.state === 'disconnected' || wrong.connection.state === 'failed', { what: 'pusher-js to stop' });
  await sleep(300);
  assert.notEqual(wrong.connection.state, 'connected');
});

test('a missing or unsupported protocol version is closed with 4008 or 4007', async () => {
  const missing = rawSocket(`wss://127.0.0.1:${server.port}/app/${app.key}?client=js`);
  assert.equal((await missing.closed).code, 4008);
  const old = rawSocket(`wss://127.0.0.1:${server.port}/app/${app.key}?protocol=3`);
  assert.equal((await old.closed).code, 4007);
});

test('public channel: events triggered through the SDK arrive, socket_id is excluded', async () => {
  const alice = client();
  const bob = client();
  const aliceSocket = await connected(alice);
  await connected(bob);
  const aliceChannel = alice.subscribe('news');
  const bobChannel = bob.subscribe('news');
  await Promise.all([subscribed(aliceChannel), subscribed(bobChannel)]);

  const toBoth = Promise.all([nextEvent(aliceChannel, 'headline'), nextEvent(bobChannel, 'headline')]);
  await sdk.trigger('news', 'headline', { title: 'hello' });
  for (const { data } of await toBoth) assert.deepEqual(data, { title: 'hello' });

  const aliceSaw = recorder();
  aliceChannel.bind('excluded', aliceSaw);
  const bobGets = nextEvent(bobChannel, 'excluded');
  await sdk.trigger(['news', 'other'], 'excluded', { n: 1 }, { socket_id: aliceSocket });
  assert.deepEqual((await bobGets).data, { n: 1 });
  await sleep(200);
  assert.equal(aliceSaw.seen.length, 0, 'the excluded socket got nothing');

  const batch = Promise.all([nextEvent(bobChannel, 'first'), nextEvent(bobChannel, 'second')]);
  await sdk.triggerBatch([
    { channel: 'news', name: 'first', data: { i: 1 } },
    { channel: 'news', name: 'second', data: 'plain text' },
  ]);
  const [first, second] = await batch;
  assert.deepEqual(first.data, { i: 1 });
  assert.equal(second.data, 'plain text');
});

test('private channel through pusher-js channelAuthorization; a forged signature is refused', async () => {
  const pusher = client(authOptions(authorizer.url));
  await connected(pusher);
  const channel = pusher.subscribe('private-orders');
  await subscribed(channel);
  const got = nextEvent(channel, 'created');
  await sdk.trigger('private-orders', 'created', { id: 7 });
  assert.deepEqual((await got).data, { id: 7 });

  const forger = await startAuthorizer(sdk, { forge: true });
  try {
    const victim = client(authOptions(forger.url));
    await connected(victim);
    const refused = victim.subscribe('private-orders');
    const failure = await subscribed(refused).then(() => null, (e) => e.error);
    assert.equal(failure.type, 'AuthError');
    assert.equal(failure.status, 401);
    assert.equal(victim.connection.state, 'connected', 'a refused subscription leaves the connection open');
  } finally {
    await forger.close();
  }
});

test('presence: members, member_added/removed, a user with two connections counts once', async () => {
  const ann1 = client(authOptions(authorizer.url, 'ann'));
  const ann2 = client(authOptions(authorizer.url, 'ann'));
  const ben = client(authOptions(authorizer.url, 'ben'));
  const channelAnn1 = ann1.subscribe('presence-lobby');
  const members = await subscribed(channelAnn1);
  assert.equal(members.count, 1);
  assert.equal(members.me.id, 'ann');
  assert.deepEqual(members.me.info, { name: 'User ann' });

  const added = recorder();
  channelAnn1.bind('pusher:member_added', added);
  const channelAnn2 = ann2.subscribe('presence-lobby');
  assert.equal((await subscribed(channelAnn2)).count, 1, 'the same user twice is one member');

  const benAdded = nextEvent(channelAnn1, 'pusher:member_added');
  const channelBen = ben.subscribe('presence-lobby');
  const benMembers = await subscribed(channelBen);
  assert.equal(benMembers.count, 2);
  assert.equal((await benAdded).data.id, 'ben');
  assert.deepEqual(added.seen.map(([m]) => m.id), ['ben'], 'ann\'s second connection added no member');

  const users = await (await sdk.get({ path: '/channels/presence-lobby/users' })).json();
  assert.deepEqual(users.users.map((u) => u.id).sort(), ['ann', 'ben']);

  const removed = recorder();
  channelBen.bind('pusher:member_removed', removed);
  ann2.unsubscribe('presence-lobby');
  await sleep(200);
  assert.equal(removed.seen.length, 0, 'ann is still here on her first connection');
  const annGone = nextEvent(channelBen, 'pusher:member_removed');
  ann1.disconnect();
  assert.equal((await annGone).data.id, 'ann');
});

test('presence channels refuse members over the limit with a subscription error', async () => {
  const users = ['p1', 'p2', 'p3'];
  for (const user of users) {
    const pusher = client(authOptions(authorizer.url, user));
    await subscribed(pusher.subscribe('presence-full'));
  }
  const late = client(authOptions(authorizer.url, 'p4'));
  const failure = await subscribed(late.subscribe('presence-full')).then(() => null, (e) => e.error);
  assert.equal(failure.type, 'LimitReached');
  assert.equal(late.connection.state, 'connected');
});

test('client events: relayed to others on private channels, never echoed, refused on public ones, rate-limited with 4301', async () => {
  const alice = client(authOptions(authorizer.url));
  const bob = client(authOptions(authorizer.url));
  const aliceChannel = alice.subscribe('private-chat');
  const bobChannel = bob.subscribe('private-chat');
  await Promise.all([subscribed(aliceChannel), subscribed(bobChannel)]);

  const echoed = recorder();
  aliceChannel.bind('client-typing', echoed);
  const got = nextEvent(bobChannel, 'client-typing');
  assert.ok(aliceChannel.trigger('client-typing', { who: 'alice' }));
  assert.deepEqual((await got).data, { who: 'alice' });
  await sleep(200);
  assert.equal(echoed.seen.length, 0, 'the sender does not get its own client event');

  const publicChannel = alice.subscribe('lobby');
  await subscribed(publicChannel);
  const refusal = new Promise((resolve) => alice.connection.bind('error', resolve));
  alice.send_event('client-nope', { x: 1 }, 'lobby');
  const error = await refusal;
  assert.match(error.data.message, /private and presence/);

  const errors = [];
  alice.connection.bind('error', (e) => errors.push(e));
  for (let i = 0; i < 12; i++) aliceChannel.trigger('client-flood', { i });
  await waitFor(() => errors.some((e) => e.data?.code === 4301), { what: 'a 4301 error' });
  await sleep(200);
  assert.equal(alice.connection.state, 'connected', 'a rate limit is an error, never a close');
});

test('oversized client events are refused with an error frame', async () => {
  const alice = client(authOptions(authorizer.url));
  const channel = alice.subscribe('private-big');
  await subscribed(channel);
  const refusal = new Promise((resolve) => alice.connection.bind('error', resolve));
  channel.trigger('client-big', { blob: 'x'.repeat(11 * 1024) });
  assert.match((await refusal).data.message, /larger than 10240 bytes/);
  assert.equal(alice.connection.state, 'connected');
});

test('cache channels replay the last event to a new subscriber, or send pusher:cache_miss', async () => {
  const early = client();
  const missChannel = early.subscribe('cache-scores');
  const miss = nextEvent(missChannel, 'pusher:cache_miss');
  await subscribed(missChannel);
  await miss;
  // The early subscriber hearing the event means the server has handled it, and cached it.
  const heard = nextEvent(missChannel, 'score');
  await sdk.trigger('cache-scores', 'score', { home: 2, away: 1 });
  await heard;
  const late = client();
  const lateChannel = late.subscribe('cache-scores');
  const replay = nextEvent(lateChannel, 'score');
  await subscribed(lateChannel);
  assert.deepEqual((await replay).data, { home: 2, away: 1 });
});

test('private-encrypted channels pass the clients\' ciphertext through untouched', async () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const encryptingSdk = serverSdk(server.port, { encryptionMasterKeyBase64: key });
  const keyedAuthorizer = await startAuthorizer(encryptingSdk);
  try {
    const pusher = client(authOptions(keyedAuthorizer.url));
    const channel = pusher.subscribe('private-encrypted-vault');
    await subscribed(channel);
    const got = nextEvent(channel, 'secret');
    await encryptingSdk.trigger('private-encrypted-vault', 'secret', { code: 1234 });
    assert.deepEqual((await got).data, { code: 1234 }, 'pusher-js decrypted what confabd relayed');
  } finally {
    await keyedAuthorizer.close();
  }
});

test('user sign-in, delivery to #server-to-user-{id}, and terminate_connections', async () => {
  const pusher = client(authOptions(authorizer.url, 'carol'));
  pusher.signin();
  await waitFor(() => pusher.user.user_data?.id === 'carol', { what: 'sign-in' });
  await sleep(200);
  const got = new Promise((resolve) => pusher.user.bind('notice', resolve));
  await sdk.sendToUser('carol', 'notice', { text: 'for carol only' });
  assert.deepEqual(await got, { text: 'for carol only' });

  const errors = [];
  pusher.connection.bind('error', (e) => errors.push(e));
  await sdk.terminateUserConnections('carol');
  await waitFor(() => errors.some((e) => e.error?.data?.code === 4009), { what: 'the 4009 close' });
});

test('an idle connection that does not answer pings is closed with 4201', async () => {
  const idleServer = await startConfabd({ env: { CONFAB_PUSHER_ACTIVITY_TIMEOUT: '1' } });
  try {
    const raw = rawSocket(`wss://127.0.0.1:${idleServer.port}/app/${app.key}?protocol=7`);
    await raw.next((f) => f.event === 'pusher:connection_established');
    await raw.next((f) => f.event === 'pusher:ping');
    assert.equal((await raw.closed).code, 4201);
  } finally {
    await idleServer.stop();
  }
});

test('connections over the app\'s quota are closed with 4004', async () => {
  const small = await startConfabd({ env: { CONFAB_PUSHER_MAX_CONNECTIONS: '1' } });
  try {
    const first = rawSocket(`wss://127.0.0.1:${small.port}/app/${app.key}?protocol=7`);
    await first.next((f) => f.event === 'pusher:connection_established');
    const second = rawSocket(`wss://127.0.0.1:${small.port}/app/${app.key}?protocol=7`);
    assert.equal((await second.closed).code, 4004);
    first.close();
    await first.closed;
  } finally {
    await small.stop();
  }
});
