import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldError } from '../herald.js';
import { HeraldServer } from './server.js';

const ADMIN_SECRET = 'the-admin-secret-of-this-test';
const server = new HeraldServer({ HERALD_AUTH: 'on', HERALD_ADMIN_SECRET: ADMIN_SECRET });
let admin;

async function token(client, secret) {
  const response = await fetch(server.url + '/auth/token', {
    method: 'POST',
    headers: { Authorization: 'Basic ' + Buffer.from(client + ':' + secret).toString('base64'),
      'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(response.status, 200);
  return (await response.json()).access_token;
}

before(async () => {
  await server.start();
  admin = await token('admin', ADMIN_SECRET);
});

after(async () => {
  await server.stop();
});

test('without a token, neither REST nor a live subscription is let through', async () => {
  const anonymous = new Herald(server.url, { reconnectDelay: 100 });
  await assert.rejects(anonymous.search('Observation'), (e) => e instanceof HeraldError && e.status === 401);
  await assert.rejects(anonymous.subscribe('Observation', ['CREATE'], null, () => {}),
    (e) => e instanceof HeraldError && e.status === 401 && /token/.test(e.message));
});

test('a client hears and reads what its scopes allow, and is refused the rest', async () => {
  const made = await fetch(server.url + '/auth/clients', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'vitals', scopes: 'system/Observation.rs' }),
  });
  assert.equal(made.status, 201);
  const { secret } = await made.json();
  const vitals = new Herald(server.url, { reconnectDelay: 100, token: () => token('vitals', secret) });
  const writer = new Herald(server.url, { token: admin });

  await assert.rejects(vitals.subscribe('Patient', ['CREATE'], null, () => {}),
    (e) => e instanceof HeraldError && e.status === 403 && /Patient/.test(e.message));
  const heard = [];
  const connection = await vitals.subscribe('Observation', ['CREATE'], null, (resource) => heard.push(resource.id));
  const written = await writer.create({ resourceType: 'Observation', status: 'final' });
  const deadline = Date.now() + 20_000;
  while (!heard.includes(written.id) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  connection.close();
  assert.deepEqual(heard, [written.id]);
  assert.equal((await vitals.read('Observation', written.id)).id, written.id);
  await assert.rejects(vitals.create({ resourceType: 'Observation', status: 'final' }),
    (e) => e instanceof HeraldError && e.status === 403);
  await assert.rejects(vitals.search('Patient'), (e) => e instanceof HeraldError && e.status === 403);
});
