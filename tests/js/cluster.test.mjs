// Two confabd nodes on one PostgreSQL database with one TLS identity, as behind a load
// balancer: Pusher clients on either node share presence channels, HTTP API events and client
// events; Confab's room events reach the other node once; webhooks go out once for the
// cluster; and a node killed with SIGKILL takes its members with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startConfabd, app } from './support/confabd.mjs';
import { createDatabase } from './support/postgres.mjs';
import {
  pusherClient, serverSdk, startAuthorizer, authOptions, subscribed, nextEvent, nativeClient, rawSocket,
  recorder, startWebhookReceiver, waitFor,
} from './support/clients.mjs';

// The survivor that reports a dead node's members is the smallest node id: node A here.
const nodeIds = { a: 'js-node-a', b: 'js-node-b' };

let database;
let receiver;
let nodeA;
let nodeB;
let nodeBAlive = false;
let sdkA;
let sdkB;
let authorizer;
const clients = [];
const onNodeB = [];
const natives = [];

before(async () => {
  database = createDatabase();
  receiver = await startWebhookReceiver(serverSdk(1));
  const env = (nodeId) => ({
    CONFAB_DATABASE: database.url,
    CONFAB_NODE_ID: nodeId,
    CONFAB_PUSHER_WEBHOOK_URLS: receiver.url,
  });
  // One after the other: the first one creates the schema.
  nodeA = await startConfabd({ env: env(nodeIds.a) });
  nodeB = await startConfabd({ env: env(nodeIds.b) });
  nodeBAlive = true;
  sdkA = serverSdk(nodeA.port);
  sdkB = serverSdk(nodeB.port);
  authorizer = await startAuthorizer(sdkA);
});

after(async () => {
  for (const pusher of clients) pusher.disconnect();
  for (const native of natives) native.close();
  await authorizer?.close();
  if (nodeBAlive) await nodeB.stop();
  await nodeA?.stop();
  await receiver?.close();
  database?.drop();
});

function client(node, user, options = authOptions(authorizer.url, user)) {
  const pusher = pusherClient(node.port, options);
  clients.push(pusher);
  if (node === nodeB) onNodeB.push(pusher);
  return pusher;
}

function memberIds(members) {
  const ids = [];
  members.each((member) => ids.push(member.id));
  return ids.sort();
}

async function channelInfo(sdk, channel, info = 'user_count') {
  return (await sdk.get({ path: `/channels/${channel}`, params: info ? { info } : {} })).json();
}

async function userIds(sdk, channel) {
  const { users } = await (await sdk.get({ path: `/channels/${channel}/users` })).json();
  return users.map((user) => user.id).sort();
}

const memberEvents = (channel) => {
  const added = recorder();
  const removed = recorder();
  channel.bind('pusher:member_added', added);
  channel.bind('pusher:member_removed', removed);
  return { added: () => added.seen.map(([m]) => m.id), removed: () => removed.seen.map(([m]) => m.id) };
};

let alice;
let aliceRoom;
let aliceSaw;
let bob;
let bobRoom;

test('a presence channel spans both nodes: members, member_added, users and user_count', async () => {
  alice = client(nodeA, 'alice');
  aliceRoom = alice.subscribe('presence-cluster');
  aliceSaw = memberEvents(aliceRoom);
  assert.deepEqual(memberIds(await subscribed(aliceRoom)), ['alice']);
  await waitFor(async () => (await channelInfo(sdkB, 'presence-cluster')).user_count === 1,
    { what: 'node B to count alice' });

  bob = client(nodeB, 'bob');
  bobRoom = bob.subscribe('presence-cluster');
  const bobSaw = memberEvents(bobRoom);
  const bobMembers = await subscribed(bobRoom);
  assert.deepEqual(memberIds(bobMembers), ['alice', 'bob'], 'subscription_succeeded on B lists the member on A');
  assert.deepEqual(bobMembers.get('alice').info, { name: 'User alice' });
  await waitFor(() => aliceSaw.added().includes('bob'), { what: 'member_added for bob on node A' });
  assert.deepEqual(aliceRoom.members.get('bob').info, { name: 'User bob' });

  // Carol on both nodes is one member: one member_added each side, a count of 3, and her
  // leaving one node is not her leaving the channel.
  const carolOnA = client(nodeA, 'carol');
  await subscribed(carolOnA.subscribe('presence-cluster'));
  await waitFor(() => bobSaw.added().includes('carol'), { what: 'member_added for carol on node B' });
  const carolOnB = client(nodeB, 'carol');
  assert.deepEqual(memberIds(await subscribed(carolOnB.subscribe('presence-cluster'))), ['alice', 'bob', 'carol']);
  for (const sdk of [sdkA, sdkB]) {
    assert.deepEqual(await userIds(sdk, 'presence-cluster'), ['alice', 'bob', 'carol']);
    assert.equal((await channelInfo(sdk, 'presence-cluster')).user_count, 3);
  }
  carolOnB.disconnect();
  await waitFor(async () => (await channelInfo(sdkB, 'presence-cluster', 'subscription_count')).subscription_count === 1,
    { what: 'carol to leave node B' });
  // A barrier: node B's news reach node A in order, so alice hears this after anything the
  // disconnect would have caused.
  const barrier = nextEvent(aliceRoom, 'after-carol');
  await sdkB.trigger('presence-cluster', 'after-carol', {});
  await barrier;
  assert.deepEqual(aliceSaw.added(), ['bob', 'carol'], 'carol was added once');
  assert.deepEqual(aliceSaw.removed(), [], 'carol is still on node A');
  assert.equal(aliceRoom.members.count, 3);
  assert.deepEqual(bobSaw.added(), ['carol'], 'carol was added once on node B too');
  assert.deepEqual(bobSaw.removed(), [], 'node B keeps carol as a member through node A');
});

test('events from the HTTP API of node A reach subscribers on node B, once', async () => {
  const reader = client(nodeB, 'reader');
  const news = reader.subscribe('news');
  await subscribed(news);
  const headlines = recorder();
  news.bind('headline', headlines);

  await sdkA.trigger('news', 'headline', { n: 1 });
  await waitFor(() => headlines.seen.length === 1, { what: 'the triggered event on node B' });
  // Bound first: node B may push the event to bob before node A has answered the request.
  const inRoom = nextEvent(bobRoom, 'headline');
  await sdkA.triggerBatch([{ channel: 'news', name: 'headline', data: { n: 2 } },
    { channel: 'presence-cluster', name: 'headline', data: { n: 3 } }]);
  assert.deepEqual((await inRoom).data, { n: 3 });
  await waitFor(() => headlines.seen.length === 2, { what: 'the batch event on node B' });
  // The sender's socket id leaves that one connection out, on every node.
  await sdkB.trigger('news', 'headline', { n: 4 }, { socket_id: reader.connection.socket_id });
  await sdkA.trigger('news', 'headline', { n: 5 });
  await waitFor(() => headlines.seen.length === 3, { what: 'the last event' });
  assert.deepEqual(headlines.seen.map(([data]) => data.n), [1, 2, 5]);
});

test('a client event on node A reaches a member on node B', async () => {
  const waved = nextEvent(bobRoom, 'client-wave');
  aliceRoom.trigger('client-wave', { from: 'alice' });
  const { data, metadata } = await waved;
  assert.deepEqual(data, { from: 'alice' });
  assert.equal(metadata.user_id, 'alice');
});

// A raw socket rather than pusher-js: after a 4009 close pusher-js leaves a 30 s timer behind
// that would keep this test process alive.
test('a user signed in on node B: sendToUser and terminate_connections through node A', async () => {
  const erin = rawSocket(`wss://127.0.0.1:${nodeB.port}/app/${app.key}?protocol=7`);
  const established = await erin.next((f) => f.event === 'pusher:connection_established');
  const socketId = JSON.parse(established.data).socket_id;
  erin.send({ event: 'pusher:signin', data: sdkA.authenticateUser(socketId, { id: 'erin' }) });
  await erin.next((f) => f.event === 'pusher:signin_success');
  erin.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-erin' } });
  await erin.next((f) => f.event === 'pusher_internal:subscription_succeeded');

  await sdkA.sendToUser('erin', 'notice', { text: 'for erin' });
  const notice = await erin.next((f) => f.event === 'notice');
  assert.deepEqual(JSON.parse(notice.data), { text: 'for erin' });
  await sdkA.terminateUserConnections('erin');
  assert.equal((await erin.closed).code, 4009);
});

test('a Confab room message sent on node A reaches a web page on node B once', async () => {
  const dana = await nativeClient(nodeA.port);
  natives.push(dana);
  const { token } = await dana.request('register', { username: 'dana', password: 'correct horse' });
  const { room } = await dana.request('create_room', { name: 'general' });

  const web = client(nodeB, 'dana', {
    channelAuthorization: {
      endpoint: `https://127.0.0.1:${nodeB.port}/pusher/auth`,
      transport: 'ajax',
      headers: { Authorization: `Bearer ${token}` },
    },
  });
  const channel = web.subscribe(`presence-room.${room.id}`);
  await subscribed(channel);
  const created = recorder();
  channel.bind('message.created', created);
  const first = await dana.request('send', { room: room.id, client_id: 'm1', text: 'hello from A' });
  const second = await dana.request('send', { room: room.id, client_id: 'm2', text: 'and again' });
  await waitFor(() => created.seen.some(([event]) => event.seq === second.seq), { what: 'the second message on node B' });
  assert.deepEqual(created.seen.map(([event]) => [event.seq, event.text]),
    [[first.seq, 'hello from A'], [second.seq, 'and again']]);
});

test('a node killed with SIGKILL: its members are removed on the other node, webhooks go out once', async () => {
  // Of the members, only bob is on node B alone: carol is on node A too.
  const removedAt = Date.now();
  await nodeB.kill();
  nodeBAlive = false;
  // Their node is gone; they would try it again and again.
  for (const pusher of onNodeB) pusher.disconnect();
  await waitFor(() => aliceSaw.removed().includes('bob'), { what: 'member_removed for bob on node A', timeout: 15000 });
  // The heartbeat expires within 5 s and is looked at every second.
  const seconds = (Date.now() - removedAt) / 1000;
  assert.ok(seconds < 9, `member_removed came ${seconds} s after the kill, later than the heartbeat expiry allows`);
  assert.deepEqual(aliceSaw.removed(), ['bob']);
  assert.equal(aliceRoom.members.count, 2);
  assert.deepEqual(await userIds(sdkA, 'presence-cluster'), ['alice', 'carol']);
  assert.deepEqual(await channelInfo(sdkA, 'news', null), { occupied: false });

  // member_removed is held back 3 s; node A sends it, and channel_vacated for what only B had.
  await waitFor(() => receiver.named('member_removed').some((e) => e.user_id === 'bob')
    && receiver.named('channel_vacated').some((e) => e.channel === 'news'),
  { what: 'the dead node\'s webhooks', timeout: 15000 });
  for (const delivery of receiver.received) assert.equal(delivery.valid, true);
  const count = (name, match) => receiver.named(name).filter(match).length;
  const inCluster = (e) => e.channel === 'presence-cluster';
  for (const user of ['alice', 'bob', 'carol'])
    assert.equal(count('member_added', (e) => inCluster(e) && e.user_id === user), 1, `member_added for ${user} once`);
  assert.equal(count('member_removed', (e) => inCluster(e) && e.user_id === 'bob'), 1);
  assert.equal(count('member_removed', (e) => e.user_id === 'carol'), 0, 'carol is still a member');
  assert.equal(count('channel_occupied', inCluster), 1, 'occupied once for the cluster');
  assert.equal(count('channel_occupied', (e) => e.channel === 'news'), 1);
  assert.equal(count('channel_vacated', (e) => e.channel === 'news'), 1);
  assert.equal(count('channel_vacated', inCluster), 0);
});
