import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldError } from '../herald.js';
import { HeraldServer } from './server.js';

const server = new HeraldServer();
let herald;

before(async () => {
  await server.start();
  herald = new Herald(server.url, { reconnectDelay: 100, maxReconnectDelay: 1000 });
});

after(async () => {
  await server.stop();
});

const sample = (code) => ({ resourceType: 'DataSample', labels: [{ type: 'IC-TEST', code }] });

function waitFor(condition, what, ms = 20_000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const look = () => {
      if (condition()) {
        resolve();
      } else if (Date.now() > deadline) {
        reject(new Error('not within ' + ms + ' ms: ' + what));
      } else {
        setTimeout(look, 20);
      }
    };
    look();
  });
}

test('the seed example: only the matching DataSample arrives, then CONNECTED, CLOSED', async () => {
  const events = [];
  const statuses = [];
  const connection = (await herald.subscribe('DataSample', ['CREATE'], 'label=IC-TEST|TEST',
    (resource, event) => events.push({ resource, event })))
    .onConnected(() => statuses.push('CONNECTED'))
    .onClosed(() => statuses.push('CLOSED'));
  const other = await herald.create(sample('OTHER'));
  const matching = await herald.create(sample('TEST'));
  const marker = await herald.create(sample('TEST'));   // arrives after anything the first two could cause
  await waitFor(() => events.length >= 2, 'two matching events');
  connection.close();
  assert.deepEqual(events.map((e) => e.resource.id), [matching.id, marker.id]);
  assert.ok(!events.some((e) => e.resource.id === other.id));
  assert.equal(events[0].event.type, 'CREATE');
  assert.equal(events[0].event.versionId, Number(matching.meta.versionId));
  assert.deepEqual(statuses, ['CONNECTED', 'CLOSED']);
});

test('a subscription the server cannot run is refused with its reason', async () => {
  await assert.rejects(herald.subscribe('DataSample', ['CREATE'], 'nosuch=1', () => {}),
    (e) => e instanceof HeraldError && /nosuch/.test(e.message));
});

test('REST calls: create, read, update, search, delete, and errors with the diagnostics', async () => {
  const created = await herald.create({ resourceType: 'Patient', name: [{ family: 'Restful' }] });
  assert.equal((await herald.read('Patient', created.id)).name[0].family, 'Restful');
  const updated = await herald.update({ ...created, name: [{ family: 'Restful', given: ['Again'] }] });
  assert.equal(updated.meta.versionId > created.meta.versionId, true);
  const found = await herald.search('Patient', { family: 'Restful' });
  assert.equal(found.entry.length, 1);
  await herald.delete('Patient', created.id);
  await assert.rejects(herald.read('Patient', created.id), (e) => e.status === 410);
  await assert.rejects(herald.search('Patient', { nosuch: '1' }), (e) => e.status === 400 && /nosuch/.test(e.message));
});

test('killed and restarted mid-stream, the client ends with every change once, in order', async () => {
  const heard = [];
  const connected = [];
  const connection = (await herald.subscribe('Patient', ['CREATE'], 'family=Stream',
    (resource) => heard.push(resource.id)))
    .onConnected(() => connected.push(Date.now()));
  const ids = Array.from({ length: 1000 }, (_, i) => 'stream-' + i);
  let killed = false;
  for (const id of ids) {
    if (id === 'stream-400' && !killed) {
      killed = true;
      await server.kill();
      await server.start();
    }
    // PUT with its own id: retrying a write whose answer was lost makes an UPDATE, never a second CREATE
    for (;;) {
      try {
        await herald.update({ resourceType: 'Patient', id, name: [{ family: 'Stream' }] });
        break;
      } catch (e) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  await waitFor(() => heard.length >= ids.length, 'all 1,000 creates', 60_000);
  const marker = await herald.create({ resourceType: 'Patient', name: [{ family: 'Stream' }] });
  await waitFor(() => heard.includes(marker.id), 'the marker');
  connection.close();
  assert.deepEqual(heard, [...ids, marker.id]);
  assert.ok(connected.length >= 2, 'onConnected fired again on reconnect');
});
