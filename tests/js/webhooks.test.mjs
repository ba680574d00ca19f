// Webhooks arrive at a local receiver, pass the official SDK's signature check, are held back
// on a quick reconnect, retried, and survive a restart of confabd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startConfabd, app } from './support/confabd.mjs';
import {
  pusherClient, serverSdk, startAuthorizer, authOptions, connected, subscribed, sleep, waitFor,
  startWebhookReceiver as startReceiver,
} from './support/clients.mjs';

let sdkForChecks;
const clients = [];

before(() => {
  sdkForChecks = serverSdk(1);
});

after(() => {
  for (const pusher of clients) pusher.disconnect();
});

test('channel, presence, client-event and cache webhooks arrive signed; a quick reconnect sends nothing', async () => {
  const receiver = await startReceiver(sdkForChecks);
  const server = await startConfabd({ env: { CONFAB_PUSHER_WEBHOOK_URLS: receiver.url } });
  const sdk = serverSdk(server.port);
  const authorizer = await startAuthorizer(sdk);
  try {
    const alice = pusherClient(server.port, authOptions(authorizer.url, 'alice'));
    const bob = pusherClient(server.port, authOptions(authorizer.url, 'bob'));
    clients.push(alice, bob);
    const aliceRoom = alice.subscribe('presence-hooks');
    const bobRoom = bob.subscribe('presence-hooks');
    await Promise.all([subscribed(aliceRoom), subscribed(bobRoom)]);
    aliceRoom.trigger('client-wave', { hi: 1 });
    await subscribed(alice.subscribe('cache-empty'));

    await waitFor(() => receiver.named('member_added').length === 2 && receiver.named('client_event').length === 1
      && receiver.named('cache_miss').length === 1 && receiver.named('channel_occupied').length === 2,
    { what: 'the first webhooks' });
    for (const delivery of receiver.received) {
      assert.equal(delivery.valid, true, 'pusher.webhook(request).isValid()');
      assert.equal(delivery.key, app.key);
      assert.equal(typeof delivery.body.time_ms, 'number');
    }
    assert.deepEqual(receiver.named('channel_occupied').map((e) => e.channel).sort(), ['cache-empty', 'presence-hooks']);
    const clientEvent = receiver.named('client_event')[0];
    assert.equal(clientEvent.event, 'client-wave');
    assert.equal(clientEvent.channel, 'presence-hooks');
    assert.equal(clientEvent.user_id, 'alice');
    assert.equal(clientEvent.socket_id, alice.connection.socket_id);
    assert.deepEqual(JSON.parse(clientEvent.data), { hi: 1 });

    // Bob leaves and is back within 3 s: no member_removed, no second member_added.
    bob.unsubscribe('presence-hooks');
    await sleep(500);
    await subscribed(bob.subscribe('presence-hooks'));
    await sleep(3500);
    assert.equal(receiver.named('member_removed').length, 0);
    assert.equal(receiver.named('member_added').length, 2);

    // Everybody leaves for good: removed and vacated come after the hold-back.
    const before = Date.now();
    alice.disconnect();
    bob.disconnect();
    await waitFor(() => receiver.named('channel_vacated').length === 2 && receiver.named('member_removed').length === 2,
      { what: 'vacated and removed' });
    assert.ok(Date.now() - before >= 2900, 'held back about 3 s');

    const stats = await fetch(`https://127.0.0.1:${server.port}/pusher/stats`).then((r) => r.json());
    assert.equal(stats.webhooks.delivered, receiver.received.length);
  } finally {
    await authorizer.close();
    await server.stop();
    await receiver.close();
  }
});

test('a failing receiver is retried, and queued webhooks survive a restart', async () => {
  const receiver = await startReceiver(sdkForChecks);
  receiver.failNext = 2;
  const server = await startConfabd({ env: { CONFAB_PUSHER_WEBHOOK_URLS: receiver.url } });
  const first = pusherClient(server.port);
  clients.push(first);
  await subscribed(first.subscribe('retried'));
  await waitFor(() => receiver.named('channel_occupied').length === 1, { what: 'the retried webhook', timeout: 15000 });
  assert.equal(receiver.attempts, 3, 'two failures, then delivered');
  first.disconnect();
  await waitFor(() => receiver.named('channel_vacated').length === 1, { what: 'vacated' });

  // The receiver goes away; a webhook becomes due and is queued in the database.
  const port = receiver.port;
  await receiver.close();
  const failedAttempts = async () => (await fetch(`https://127.0.0.1:${server.port}/pusher/stats`)
    .then((r) => r.json())).webhooks.failed_attempts;
  const failedBefore = await failedAttempts();
  const second = pusherClient(server.port);
  clients.push(second);
  await subscribed(second.subscribe('while-down'));
  await waitFor(async () => (await failedAttempts()) > failedBefore, { what: 'an attempt to reach the receiver while it is down' });
  second.disconnect();
  await server.stop({ keepData: true });

  // confabd restarts with the same database, and the receiver is back.
  const back = await startReceiver(sdkForChecks, port);
  const restarted = await startConfabd({ dataDir: server.dataDir, env: { CONFAB_PUSHER_WEBHOOK_URLS: back.url } });
  try {
    await waitFor(() => back.named('channel_occupied').some((e) => e.channel === 'while-down')
      && back.named('channel_vacated').some((e) => e.channel === 'while-down'), { what: 'webhooks queued before the restart', timeout: 20000 });
    for (const delivery of back.received) assert.equal(delivery.valid, true);
  } finally {
    await restarted.stop();
    await back.close();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
});
