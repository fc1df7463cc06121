// Herald's console: the subscriptions and where they stand, and a live event stream through the JavaScript client.
import { Herald } from './herald.js';

/** The token typed in the page (kept in the page only), sent with every request and subscribe. */
const token = () => document.getElementById('token').value.trim() || null;
const herald = new Herald(location.origin, { token });
const MAX_EVENTS = 200;
const REFRESH_MS = 5000;
let connection = null;

document.getElementById('server').textContent = location.host;

/** A table cell holding text (never markup: resources are data, not HTML). */
function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) {
    td.className = className;
  }
  return td;
}

const CHANNEL_TYPE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type';

/** The channel type (a type outside R4's codes, such as poll, is the Backport IG's extension) and endpoint. */
function channelOf(subscription) {
  const channel = subscription.channel ?? {};
  const extended = channel._type?.extension?.find((e) => e.url === CHANNEL_TYPE)?.valueCoding?.code;
  return [extended ?? channel.type, channel.endpoint].filter(Boolean).join(' → ');
}

/** Every status Parameters' parameters by name, per subscription id. */
function statusesById(bundle) {
  const byId = new Map();
  for (const entry of bundle.entry ?? []) {
    const values = {};
    for (const p of entry.resource.parameter ?? []) {
      values[p.name] = p.valueReference?.reference ?? p.valueCode ?? p.valueString ?? p.valueCodeableConcept?.text;
    }
    byId.set(values.subscription.split('/').pop(), values);
  }
  return byId;
}

async function statuses() {
  const response = await fetch('/fhir/Subscription/$status', { headers: { Accept: 'application/fhir+json',
    ...await herald.authorization() } });
  if (!response.ok) {
    throw new Error('$status: HTTP ' + response.status);
  }
  return statusesById(await response.json());
}

async function refreshSubscriptions() {
  const note = document.getElementById('subscriptions-note');
  try {
    const [bundle, standing] = await Promise.all([herald.search('Subscription', { _count: '100' }), statuses()]);
    const rows = (bundle.entry ?? []).map((entry) => {
      const subscription = entry.resource;
      const status = standing.get(subscription.id) ?? {};
      const tr = document.createElement('tr');
      tr.dataset.id = subscription.id;
      const current = status.status ?? subscription.status;
      tr.append(cell(subscription.id), cell(subscription.criteria), cell(channelOf(subscription)),
        cell(current, 'status-' + current), cell(status['events-since-subscription-start'] ?? '0', 'number'),
        cell(status.error ?? subscription.error ?? ''));
      return tr;
    });
    document.querySelector('#subscriptions tbody').replaceChildren(...rows);
    note.className = 'note';
    note.textContent = (bundle.total ?? rows.length) + ' subscription' + (rows.length === 1 ? '' : 's')
      + (bundle.total > rows.length ? ', the first ' + rows.length + ' shown' : '')
      + ' · ' + new Date().toLocaleTimeString();
  } catch (error) {
    note.className = 'note error';
    note.textContent = 'Cannot read subscriptions: ' + error.message;
  }
}

function showEvent(resource, event) {
  const item = document.createElement('li');
  item.className = event.type;
  const head = document.createElement('div');
  const kind = document.createElement('span');
  kind.className = 'event';
  kind.textContent = event.type;
  const what = document.createElement('span');
  what.textContent = event.resourceType + '/' + event.id + ' · versionId ' + event.versionId + ' · '
    + new Date().toLocaleTimeString();
  head.append(kind, what);
  const body = document.createElement('pre');
  body.textContent = JSON.stringify(resource, null, 2);
  item.append(head, body);
  const list = document.getElementById('events');
  list.prepend(item);
  while (list.children.length > MAX_EVENTS) {
    list.lastElementChild.remove();
  }
}

function liveStatus(text, error) {
  const status = document.getElementById('live-status');
  status.textContent = text;
  status.className = error ? 'note error' : 'note';
}

async function listen(form) {
  stop();
  const type = form.type.value.trim();
  const events = [...form.querySelectorAll('input[name=event]:checked')].map((input) => input.value);
  const criteria = form.criteria.value.trim();
  const what = type + (criteria ? '?' + criteria : '') + ' (' + events.join(', ') + ')';
  liveStatus('Connecting to ' + what + '…');
  document.getElementById('listen').disabled = true;
  try {
    connection = (await herald.subscribe(type, events, criteria, showEvent))
      .onConnected(() => liveStatus('Listening to ' + what + ' after versionId ' + connection.versionId + '.'))
      .onClosed(() => liveStatus('Not listening.'));
    document.getElementById('stop').disabled = false;
  } catch (error) {
    liveStatus(error.message, true);
  } finally {
    document.getElementById('listen').disabled = false;
  }
}

function stop() {
  if (connection) {
    connection.close();
    connection = null;
  }
  document.getElementById('stop').disabled = true;
}

document.getElementById('live').addEventListener('submit', (e) => {
  e.preventDefault();
  listen(e.target);
});
document.getElementById('stop').addEventListener('click', stop);
document.getElementById('refresh').addEventListener('click', refreshSubscriptions);
refreshSubscriptions();
setInterval(refreshSubscriptions, REFRESH_MS);
