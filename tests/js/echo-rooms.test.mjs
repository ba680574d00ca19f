// Laravel Echo against confabd: a presence channel through an app's authorizer, and a Confab
// room joined with the user's Confab session token through confabd's own /pusher/auth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { startConfabd, app } from './support/confabd.mjs';
import { serverSdk, startAuthorizer, nativeClient, recorder, sleep, waitFor } from './support/clients.mjs';

let server;
let sdk;
let authorizer;
const echoes = [];
const natives = [];

before(async () => {
  server = await startConfabd();
  sdk = serverSdk(server.port);
  authorizer = await startAuthorizer(sdk);
});

after(async () => {
  for (const echo of echoes) echo.disconnect();
  for (const native of natives) native.close();
  await authorizer?.close();
  await server?.stop();
});

// Echo configured as docs/pusher.md tells a Laravel front end to.
function echo(options) {
  const instance = new Echo({
    broadcaster: 'pusher',
    Pusher,
    key: app.key,
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    wssPort: server.port,
    forceTLS: true,
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    ...options,
  });
  echoes.push(instance);
  return instance;
}

function joined(channel) {
  return new Promise((resolve, reject) => {
    channel.here(resolve);
    channel.error(reject);
  });
}

test('Echo: here, joining, leaving, listen and whisper on a presence channel', async () => {
  const alice = echo({ authEndpoint: `${authorizer.url}/auth`, auth: { headers: { 'X-User': 'alice' } } });
  const bob = echo({ authEndpoint: `${authorizer.url}/auth`, auth: { headers: { 'X-User': 'bob' } } });

  const aliceRoom = alice.join('team');
  const here = await joined(aliceRoom);
  assert.deepEqual(here, [{ name: 'User alice' }]);

  const joining = new Promise((resolve) => aliceRoom.joining(resolve));
  const bobRoom = bob.join('team');
  const bobHere = await joined(bobRoom);
  assert.deepEqual(bobHere.map((u) => u.name).sort(), ['User alice', 'User bob']);
  assert.deepEqual(await joining, { name: 'User bob' });

  const heard = new Promise((resolve) => bobRoom.listen('.order.shipped', resolve));
  await sdk.trigger('presence-team', 'order.shipped', { order: 42 });
  assert.deepEqual(await heard, { order: 42 });

  const whispered = new Promise((resolve) => bobRoom.listenForWhisper('typing', resolve));
  const selfWhisper = recorder();
  aliceRoom.listenForWhisper('typing', selfWhisper);
  aliceRoom.whisper('typing', { name: 'alice' });
  assert.deepEqual(await whispered, { name: 'alice' });
  await sleep(200);
  assert.equal(selfWhisper.seen.length, 0);

  const leaving = new Promise((resolve) => aliceRoom.leaving(resolve));
  bob.leave('team');
  assert.deepEqual(await leaving, { name: 'User bob' });
});

test('a Confab room message reaches an Echo client joined to presence-room.{id}', async () => {
  const alice = await nativeClient(server.port);
  const mallory = await nativeClient(server.port);
  natives.push(alice, mallory);
  const { token } = await alice.request('register', { username: 'alice', password: 'correct horse' });
  const { token: malloryToken } = await mallory.request('register', { username: 'mallory', password: 'correct horse' });
  const { room } = await alice.request('create_room', { name: 'general' });

  const web = echo({ authEndpoint: `https://127.0.0.1:${server.port}/pusher/auth`, bearerToken: token });
  const channel = web.join(`room.${room.id}`);
  const here = await joined(channel);
  assert.equal(here.length, 1);
  assert.equal(here[0].name, 'alice');

  const created = new Promise((resolve) => channel.listen('.message.created', resolve));
  const sent = await alice.request('send', { room: room.id, client_id: 'm1', text: 'hello web' });
  const event = await created;
  assert.equal(event.kind, 'message');
  assert.equal(event.text, 'hello web');
  assert.equal(event.seq, sent.seq);
  assert.equal(event.sender.name, 'alice');

  const edited = new Promise((resolve) => channel.listen('.message.edited', resolve));
  await alice.request('edit', { room: room.id, seq: sent.seq, text: 'hello again' });
  assert.equal((await edited).text, 'hello again');
  const deleted = new Promise((resolve) => channel.listen('.message.deleted', resolve));
  await alice.request('delete', { room: room.id, seq: sent.seq });
  assert.equal((await deleted).target_seq, sent.seq);

  // Mallory has a valid session but is not a member: the room stays closed to her.
  const outsider = echo({ authEndpoint: `https://127.0.0.1:${server.port}/pusher/auth`, bearerToken: malloryToken });
  const refused = await joined(outsider.join(`room.${room.id}`)).then(() => null, (error) => error);
  assert.equal(refused.status, 403);
  const anonymous = echo({ authEndpoint: `https://127.0.0.1:${server.port}/pusher/auth`, bearerToken: 'not-a-token' });
  const unknown = await joined(anonymous.join(`room.${room.id}`)).then(() => null, (error) => error);
  assert.equal(unknown.status, 401);

  await waitFor(() => web.connector.pusher.connection.state === 'connected');
});
