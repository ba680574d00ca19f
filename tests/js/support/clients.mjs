// The real clients, pointed at a test confabd.
import http from 'node:http';
import tls from 'node:tls';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import Pusher from 'pusher-js';
import PusherServer from 'pusher';
import WebSocket from 'ws';
import { app } from './confabd.mjs';

export function pusherClient(port, options = {}, key = app.key) {
  return new Pusher(key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: port,
    wssPort: port,
    forceTLS: true,
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    ...options,
  });
}

export function serverSdk(port, overrides = {}) {
  return new PusherServer({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: true,
    ...overrides,
  });
}

// A tiny app server that authorizes every channel through the official SDK, as a Laravel
// app's /broadcasting/auth would; presence users come from the X-User header.
export async function startAuthorizer(sdk, { forge = false } = {}) {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const params = new URLSearchParams(body);
      const socketId = params.get('socket_id');
      const channel = params.get('channel_name');
      let answer;
      if (request.url.startsWith('/user-auth')) {
        const id = request.headers['x-user'] ?? 'user-1';
        answer = sdk.authenticateUser(socketId, { id, user_info: { name: `User ${id}` } });
      } else if (channel.startsWith('presence-')) {
        const id = request.headers['x-user'] ?? 'user-1';
        answer = sdk.authorizeChannel(socketId, channel, { user_id: id, user_info: { name: `User ${id}` } });
      } else {
        answer = sdk.authorizeChannel(socketId, channel);
      }
      if (forge) answer.auth = answer.auth.replace(/:.*/, ':' + '0'.repeat(64));
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

// Records every webhook; `failNext` makes that many deliveries fail with 500 first.
export async function startWebhookReceiver(sdk, port = 0) {
  const received = [];
  const receiver = { received, failNext: 0, attempts: 0 };
  const server = http.createServer((request, response) => {
    let rawBody = '';
    request.on('data', (chunk) => (rawBody += chunk));
    request.on('end', () => {
      receiver.attempts++;
      if (receiver.failNext > 0) {
        receiver.failNext--;
        response.writeHead(500).end();
        return;
      }
      const webhook = sdk.webhook({ headers: request.headers, rawBody });
      received.push({ valid: webhook.isValid(), body: JSON.parse(rawBody), key: request.headers['x-pusher-key'] });
      response.writeHead(200).end('ok');
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${server.address().port}/pusher/webhook`;
  receiver.port = server.address().port;
  receiver.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  receiver.events = () => received.flatMap((r) => r.body.events);
  receiver.named = (name) => receiver.events().filter((e) => e.name === name);
  return receiver;
}

export function authOptions(authorizerUrl, user) {
  const headers = user ? { 'X-User': user } : {};
  return {
    channelAuthorization: { endpoint: `${authorizerUrl}/auth`, transport: 'ajax', headers },
    userAuthentication: { endpoint: `${authorizerUrl}/user-auth`, transport: 'ajax', headers },
  };
}

// Waits no longer than a test can afford to, and says what it was waiting for: a promise that
// never settles would otherwise only end in the runner's timeout for the whole file.
function within(promise, what, timeout = 15000) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeout);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function connected(pusher) {
  return within(new Promise((resolve, reject) => {
    if (pusher.connection.state === 'connected') return resolve(pusher.connection.socket_id);
    pusher.connection.bind('connected', () => resolve(pusher.connection.socket_id));
    pusher.connection.bind('failed', () => reject(new Error('connection failed')));
  }), 'the connection');
}

export function subscribed(channel) {
  return within(new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', resolve);
    channel.bind('pusher:subscription_error', (error) => reject(Object.assign(new Error('subscription failed'), { error })));
  }), `subscription_succeeded on ${channel.name}`);
}

// Bind before causing the event: one that arrives earlier is not seen.
export function nextEvent(channel, name) {
  return within(new Promise((resolve) => channel.bind(name, (data, metadata) => resolve({ data, metadata }))),
    `${name} on ${channel.name}`);
}

// Collects what a callback receives, to assert later that something did not arrive.
export function recorder() {
  const seen = [];
  const fn = (...args) => seen.push(args);
  fn.seen = seen;
  return fn;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(predicate, { timeout = 10000, what = 'condition' } = {}) {
  const start = Date.now();
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// Frames in the order they arrived, and a promise of the first that matches.
function frameQueue() {
  const frames = [];
  const waiters = [];
  return {
    frames,
    add(frame) {
      frames.push(frame);
      for (const waiter of [...waiters]) {
        if (waiter.match(frame)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    },
    next(match) {
      const found = frames.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

// A raw WebSocket, for what the SDKs hide: close codes and the exact frames.
export function rawSocket(url) {
  const socket = new WebSocket(url);
  const queue = frameQueue();
  socket.on('message', (text) => queue.add(JSON.parse(text.toString())));
  const closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    socket,
    frames: queue.frames,
    closed,
    opened: once(socket, 'open'),
    send: (frame) => socket.send(JSON.stringify(frame)),
    next: queue.next,
    close: () => socket.close(),
  };
}

// A client frame (RFC 6455: masked) of JSON text.
function maskedTextFrame(frame) {
  const payload = Buffer.from(JSON.stringify(frame));
  if (payload.length > 125) throw new Error('maskedTextFrame takes short frames only');
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

// A WebSocket written by hand over TLS, for what no client library does: sending `frames` in
// the same write as the upgrade request. Reads the 101 answer, then text frames as JSON.
export async function pipelinedSocket(port, path, frames) {
  const socket = tls.connect({ host: '127.0.0.1', port });
  await once(socket, 'secureConnect');
  const request = [
    `GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', '',
  ].join('\r\n');
  socket.write(Buffer.concat([Buffer.from(request), ...frames.map(maskedTextFrame)]));

  let buffer = Buffer.alloc(0);
  let status = null;
  const queue = frameQueue();
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (status === null) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      status = buffer.subarray(0, buffer.indexOf('\r\n')).toString();
      buffer = buffer.subarray(end + 4);
    }
    for (;;) {
      if (buffer.length < 2) break;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) break;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) break;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) break;
      const opcode = buffer[0] & 0x0f;
      const payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      if (opcode === 1) queue.add(JSON.parse(payload.toString()));
    }
  });
  return {
    status: () => status,
    received: queue.frames,
    next: (match) => within(queue.next(match), 'a frame'),
    close: () => socket.destroy(),
  };
}

// A Confab client speaking the native protocol (JSON over wss://…/ws).
export async function nativeClient(port) {
  const raw = rawSocket(`wss://127.0.0.1:${port}/ws`);
  await raw.opened;
  let next = 1;
  return {
    raw,
    async request(op, args = {}) {
      const id = `r${next++}`;
      raw.send({ v: 1, id, op, ...args });
      const reply = await raw.next((frame) => frame.id === id);
      if (!reply.ok) throw Object.assign(new Error(`${op}: ${reply.error.code}`), { reply });
      return reply.result;
    },
    close: () => raw.close(),
  };
}
