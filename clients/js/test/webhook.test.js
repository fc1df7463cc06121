import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { verifyWebhook } from '../webhook.js';
import { HeraldServer } from './server.js';

// The receiver listens on this machine: Herald sends there only because it is allowed to.
const server = new HeraldServer({ HERALD_DELIVER_ALLOWED_HOSTS: '127.0.0.1' });
const received = [];
let receiver;

before(async () => {
  await server.start();
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      received.push({ header: request.headers['x-herald-signature'], body: Buffer.concat(chunks) });
      response.end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
});

after(async () => {
  receiver.close();
  await server.stop();
});

test('a webhook verifies with its subscription\'s secret, and not when anything differs', async () => {
  const hook = await fetch(server.url + '/fhir/Subscription/signed', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Subscription', id: 'signed', status: 'active', reason: 'webhook.test',
      criteria: 'Patient', channel: { type: 'rest-hook', payload: 'application/fhir+json',
        endpoint: `http://127.0.0.1:${receiver.address().port}/hook` } }),
  });
  assert.equal(hook.status, 201, await hook.text());
  const secret = hook.headers.get('x-herald-signing-secret');
  assert.ok(secret);
  await fetch(server.url + '/fhir/Patient', { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Verified' }] }) });
  const deadline = Date.now() + 20_000;
  while (received.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const [{ header, body }] = received;
  assert.match(body.toString(), /Verified/);
  assert.equal(verifyWebhook(secret, header, body), true);
  assert.equal(verifyWebhook(secret + 'x', header, body), false, 'another secret');
  assert.equal(verifyWebhook(secret, header, body.toString().replace('Verified', 'Forged')), false, 'another body');
  assert.equal(verifyWebhook(secret, header, body, -1), false, 'too old');
  assert.equal(verifyWebhook(secret, undefined, body), false, 'unsigned');
});
