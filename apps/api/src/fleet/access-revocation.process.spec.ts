import { createDataSource } from '@parley/api/database';
import { ENTITIES } from '@parley/api/server';
import { UserAccess, type AuthTopics } from '@parley/api/auth';
import { RedisPubSub } from '@parley/api/core';
import { errorCode, gql, registerAt, startFleet, subscribe, wsClient, type Account, type Fleet, type WsClient } from '@parley/api/testing';
import { WS_CLOSE_UNAUTHORIZED } from '@parley/shared/limits';
import type { DataSource } from 'typeorm';

// Two API processes sharing a database and a private Redis; access is taken away from outside both (as an admin's
// request on a third instance would), and each must act on it.
let fleet: Fleet;
let dataSource: DataSource;
let pubsub: RedisPubSub<AuthTopics>;
let access: UserAccess;

beforeAll(async () => {
  fleet = await startFleet();
  dataSource = createDataSource({ url: fleet.database.url, entities: ENTITIES });
  await dataSource.initialize();
  pubsub = new RedisPubSub<AuthTopics>(fleet.redis.url, { prefix: 'parley:' });
  access = new UserAccess(dataSource, pubsub);
}, 120_000);

afterAll(async () => {
  access?.stop();
  await pubsub?.close();
  await dataSource?.destroy();
  await fleet?.stop();
}, 60_000);

/** A customer with a live subscription on each instance. */
async function watchedOnBoth(name: string): Promise<{ person: Account; sockets: WsClient[] }> {
  const person = await registerAt(fleet.apis[0].graphqlUrl, name);
  const sockets = fleet.apis.map((api) => wsClient(api.wsUrl, person.token));
  fleet.sockets.push(...sockets);
  for (const socket of sockets) subscribe(socket, `subscription { chatUpdated { id } }`);
  await new Promise((r) => setTimeout(r, 500));
  return { person, sockets };
}

const closedWithin = (socket: WsClient, ms: number) =>
  Promise.race([socket.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), ms))]);

it('deactivation closes the user\'s sockets on every instance within a second, and their token is refused everywhere', async () => {
  const { person, sockets } = await watchedOnBoth('deactivated');
  await access.revoke(person.id, { active: false });
  const closes = await Promise.all(sockets.map((socket) => closedWithin(socket, 1000)));
  expect(closes.map((c) => c.code)).toEqual([WS_CLOSE_UNAUTHORIZED, WS_CLOSE_UNAUTHORIZED]);
  for (const api of fleet.apis) {
    expect(errorCode(await gql(api.graphqlUrl, `{ chats { edges { cursor } } }`, {}, person.token))).toBe('UNAUTHENTICATED');
  }
}, 30_000);

it('a revocation whose message is lost still applies on every instance: each rechecks the database', async () => {
  const { person, sockets } = await watchedOnBoth('unannounced');
  // Straight in the database, with no pubsub message at all.
  await fleet.query(`UPDATE users SET active = false, "accessVersion" = "accessVersion" + 1 WHERE id = $1`, [person.id]);
  const closes = await Promise.all(sockets.map((socket) => closedWithin(socket, 8000)));
  expect(closes.map((c) => c.code)).toEqual([WS_CLOSE_UNAUTHORIZED, WS_CLOSE_UNAUTHORIZED]);
  for (const api of fleet.apis) {
    expect(errorCode(await gql(api.graphqlUrl, `{ chats { edges { cursor } } }`, {}, person.token))).toBe('UNAUTHENTICATED');
  }
}, 30_000);
