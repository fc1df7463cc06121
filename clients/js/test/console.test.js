// The console page in a real headless Chromium: it loads without errors, lists subscriptions with where they stand,
// and shows a Patient created over REST in its live stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { Herald } from '../herald.js';
import { HeraldServer } from './server.js';

/** Debian's chromium (CHROMIUM names another), installed when missing and this is a root shell with apt-get. */
function chromium() {
  const named = process.env.CHROMIUM;
  if (named) {
    return named;
  }
  const find = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    } catch (missing) {
      return '';
    }
  };
  let path = find();
  if (!path && process.getuid?.() === 0) {
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'],
      { stdio: 'inherit' });
    path = find();
  }
  if (!path) {
    throw new Error('The console test needs chromium: apt-get install -y chromium (or set CHROMIUM)');
  }
  return path;
}

const server = new HeraldServer();
let herald;
let browser;

before(async () => {
  await server.start();
  herald = new Herald(server.url);
  browser = await puppeteer.launch({ executablePath: chromium(), headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  await browser?.close();
  await server.stop();
});

test('the console lists a subscription with its events, and a Patient created over REST appears live', async () => {
  const subscription = await herald.create({ resourceType: 'Subscription', status: 'active', reason: 'console test',
    criteria: 'Patient?family=Console', channel: { type: 'poll' } });
  await herald.create({ resourceType: 'Patient', name: [{ family: 'Console' }] });   // its first event

  const page = await browser.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') {
      problems.push(message.type() + ': ' + message.text());
    }
  });
  page.on('pageerror', (error) => problems.push('page error: ' + error.message));
  page.on('requestfailed', (request) => problems.push('request failed: ' + request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push('HTTP ' + response.status() + ': ' + response.url());
    }
  });
  await page.goto(server.url + '/', { waitUntil: 'load' });

  // The subscription, with where it stands: active, on poll, one event so far (the page refreshes every 5 s).
  const row = `#subscriptions tr[data-id="${subscription.id}"]`;
  await page.waitForFunction((selector) => document.querySelector(selector)?.children[4].textContent === '1',
    { timeout: 20_000 }, row);
  const cells = await page.$$eval(row + ' td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(cells, [subscription.id, 'Patient?family=Console', 'poll', 'active', '1', '']);

  // A live stream of Patients named Live: created over REST, it appears; another name does not.
  await page.$eval('#criteria', (input) => { input.value = 'family=Live'; });
  await page.click('#listen');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('Listening'),
    { timeout: 20_000 });
  const other = await herald.create({ resourceType: 'Patient', name: [{ family: 'Elsewhere' }] });
  const live = await herald.create({ resourceType: 'Patient', name: [{ family: 'Live' }] });
  const marker = await herald.create({ resourceType: 'Patient', name: [{ family: 'Live' }] });   // arrives after the rest
  await page.waitForFunction(() => document.querySelectorAll('#events li').length >= 2, { timeout: 20_000 });
  const shown = await page.$$eval('#events li', (items) => items.map((li) => ({
    event: li.className, head: li.querySelector('div').textContent, resource: JSON.parse(li.querySelector('pre').textContent),
  })));
  assert.equal(shown.length, 2);
  assert.deepEqual(shown.map((s) => s.resource.id), [marker.id, live.id]);   // newest first
  assert.ok(!shown.some((s) => s.resource.id === other.id));
  assert.equal(shown[1].event, 'CREATE');
  assert.match(shown[1].head, new RegExp('Patient/' + live.id + ' · versionId ' + live.meta.versionId));

  await page.click('#stop');
  await page.waitForFunction(() => document.getElementById('live-status').textContent === 'Not listening.');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the console says why the server refuses a live stream', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.$eval('#criteria', (input) => { input.value = 'nosuch=1'; });
  await page.click('#listen');
  await page.waitForFunction(() => document.getElementById('live-status').classList.contains('error'),
    { timeout: 20_000 });
  const said = await page.$eval('#live-status', (p) => p.textContent);
  assert.match(said, /nosuch/);
  await page.close();
});
