// Pusher's HTTP API through the official Node SDK, and what it refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import https from 'node:https';
import { startConfabd, app } from './support/confabd.mjs';
import {
  pusherClient, serverSdk, startAuthorizer, authOptions, subscribed, nextEvent, recorder, sleep,
} from './support/clients.mjs';

let server;
let sdk;
let authorizer;
const clients = [];

before(async () => {
  server = await startConfabd({ env: { CONFAB_PUSHER_MAX_REQUEST_BYTES: '65536' } });
  sdk = serverSdk(server.port);
  authorizer = await startAuthorizer(sdk);
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  await authorizer?.close();
  await server?.stop();
});

// Signs a request the way the SDK does, with the parts a test wants wrong.
function signedUrl({ method = 'POST', path, body = '', params = {}, secret = app.secret, key = app.key, timestamp }) {
  const query = {
    auth_key: key,
    auth_timestamp: String(timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
    ...(body ? { body_md5: crypto.createHash('md5').update(body).digest('hex') } : {}),
    ...params,
  };
  const sorted = Object.keys(query).sort().map((k) => `${k}=${query[k]}`).join('&');
  const signature = crypto.createHmac('sha256', secret).update(`${method}\n${path}\n${sorted}`).digest('hex');
  return `${path}?${sorted}&auth_signature=${signature}`;
}

function request(method, pathAndQuery, body = '') {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: server.port, method, path: pathAndQuery,
      headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function subscribe(name, user) {
  const pusher = pusherClient(server.port, authOptions(authorizer.url, user));
  clients.push(pusher);
  const channel = pusher.subscribe(name);
  await subscribed(channel);
  return channel;
}

test('channel queries answer what the SDK expects', async () => {
  await subscribe('presence-room-a', 'u1');
  await subscribe('presence-room-a', 'u2');
  await subscribe('presence-room-a', 'u2');
  await subscribe('public-feed');

  const all = await (await sdk.get({ path: '/channels' })).json();
  assert.deepEqual(Object.keys(all.channels).sort(), ['presence-room-a', 'public-feed']);

  const presence = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
  assert.deepEqual(presence, { channels: { 'presence-room-a': { user_count: 2 } } });

  const one = await (await sdk.get({ path: '/channels/presence-room-a', params: { info: 'user_count,subscription_count' } })).json();
  assert.deepEqual(one, { occupied: true, user_count: 2, subscription_count: 3 });

  const empty = await (await sdk.get({ path: '/channels/nobody-here' })).json();
  assert.deepEqual(empty, { occupied: false });

  const users = await (await sdk.get({ path: '/channels/presence-room-a/users' })).json();
  assert.deepEqual(users.users.map((u) => u.id).sort(), ['u1', 'u2']);

  await assert.rejects(sdk.get({ path: '/channels', params: { info: 'user_count' } }), (e) => e.status === 400);
  await assert.rejects(sdk.get({ path: '/channels/public-feed/users' }), (e) => e.status === 400);
});

test('trigger with info answers per-channel counts', async () => {
  await subscribe('presence-counted', 'c1');
  const response = await (await sdk.trigger(['presence-counted'], 'ping', {}, { info: 'user_count,subscription_count' })).json();
  assert.deepEqual(response, { channels: { 'presence-counted': { user_count: 1, subscription_count: 1 } } });
});

test('a forged signature, a wrong key and an expired timestamp get 401 and change nothing', async () => {
  const channel = await subscribe('guarded');
  const saw = recorder();
  channel.bind('evil', saw);
  const body = JSON.stringify({ name: 'evil', channels: ['guarded'], data: '{}' });
  const path = `/apps/${app.id}/events`;

  const forged = await request('POST', signedUrl({ path, body, secret: 'not-the-secret' }), body);
  assert.equal(forged.status, 401);
  const wrongKey = await request('POST', signedUrl({ path, body, key: 'other-key' }), body);
  assert.equal(wrongKey.status, 401);
  const expired = await request('POST', signedUrl({ path, body, timestamp: Math.floor(Date.now() / 1000) - 601 }), body);
  assert.equal(expired.status, 401);
  assert.match(JSON.parse(expired.body).error, /Timestamp expired/);
  const tampered = await request('POST', signedUrl({ path, body }), body.replace('evil', 'evi1'));
  assert.equal(tampered.status, 401, 'body_md5 is recomputed from the body');
  const badSdk = serverSdk(server.port, { secret: 'wrong' });
  await assert.rejects(badSdk.trigger('guarded', 'evil', {}), (e) => e.status === 401);

  const fine = await request('POST', signedUrl({ path, body }), body);
  assert.equal(fine.status, 200);
  await sleep(200);
  assert.equal(saw.seen.length, 1, 'only the correctly signed request was applied');
});

test('oversized payloads get 413: an event over 10 KB, a body over the request limit', async () => {
  await assert.rejects(sdk.trigger('big', 'blob', 'x'.repeat(10 * 1024 + 1)), (e) => e.status === 413);
  const body = JSON.stringify({ name: 'blob', channels: ['big'], data: 'x'.repeat(70 * 1024) });
  const huge = await request('POST', signedUrl({ path: `/apps/${app.id}/events`, body }), body);
  assert.equal(huge.status, 413);
});

test('the SDK\'s limits hold on the server too: channels per event and events per batch', async () => {
  const channels = Array.from({ length: 101 }, (_, i) => `c${i}`);
  const body = JSON.stringify({ name: 'e', channels, data: '{}' });
  const tooMany = await request('POST', signedUrl({ path: `/apps/${app.id}/events`, body }), body);
  assert.equal(tooMany.status, 400);
  const batch = Array.from({ length: 11 }, (_, i) => ({ channel: 'c', name: `e${i}`, data: '{}' }));
  await assert.rejects(sdk.triggerBatch(batch), (e) => e.status === 400);
});

test('an unknown app id is 404', async () => {
  const body = JSON.stringify({ name: 'e', channels: ['c'], data: '{}' });
  const response = await request('POST', signedUrl({ path: '/apps/999/events', body }), body);
  assert.equal(response.status, 404);
});

test('a channel event reaches a subscriber exactly once per trigger', async () => {
  const channel = await subscribe('once');
  const got = nextEvent(channel, 'tick');
  await sdk.trigger('once', 'tick', { n: 1 });
  assert.deepEqual((await got).data, { n: 1 });
});
