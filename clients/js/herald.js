// Herald's JavaScript client: live resource events over the SockJS event-bus bridge, and FHIR REST calls.
// ESM, no build step. In a browser, load sockjs-client and vertx-eventbus.js first (they define SockJS and
// EventBus); in Node, they are imported.

const EventBus = globalThis.EventBus ?? (await import('@vertx/eventbus-bridge-client.js')).default;

const EVENTS = ['CREATE', 'UPDATE', 'DELETE'];
const UNAVAILABLE = 7;   // the server's failure code for "out of reach for now"
const STATUS = { 1: 400, 3: 410, 6: 403, 7: 503, 9: 401 };   // the server's failure codes as HTTP would say them

/** A FHIR server's error: the OperationOutcome's diagnostics, the status, and the outcome itself. */
export class HeraldError extends Error {
  constructor(message, status, outcome) {
    super(message);
    this.name = 'HeraldError';
    this.status = status;
    this.outcome = outcome;
  }
}

/** One live subscription: its events go to the callback, in versionId order, each once, across reconnects. */
export class Connection {
  #herald;
  #request;
  #callback;
  #bus = null;
  #connected = false;
  #closed = false;
  #attempt = 0;
  #timer = null;
  #onConnected = [];
  #onClosed = [];
  #first;

  /** @internal */
  constructor(herald, request, callback) {
    this.#herald = herald;
    this.#request = request;
    this.#callback = callback;
    /** The versionId of the last change delivered (or where the stream started); a reconnect resumes after it. */
    this.versionId = request.from ?? null;
    this.subscription = null;
    this.#first = new Promise((resolve, reject) => this.#connect(resolve, reject));
  }

  /** @internal resolves once the first subscription is in place; rejects with the server's refusal. */
  get ready() {
    return this.#first.then(() => this);
  }

  /** Called on every (re)connection, and at once when registered while connected. */
  onConnected(handler) {
    this.#onConnected.push(handler);
    if (this.#connected) {
      queueMicrotask(() => handler());
    }
    return this;
  }

  /**
   * Called once, when the connection is closed for good: by close() (no argument), or because the server refused to
   * resume it (a HeraldError saying why, e.g. the last versionId delivered is too far back to catch up from).
   */
  onClosed(handler) {
    this.#onClosed.push(handler);
    return this;
  }

  /** Whether the socket is up and the subscription in place. */
  get connected() {
    return this.#connected;
  }

  /** Ends the subscription and closes the socket. */
  close() {
    this.#end(undefined);
  }

  #end(error) {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#connected = false;
    clearTimeout(this.#timer);
    const bus = this.#bus;
    this.#bus = null;
    if (bus) {
      try {
        bus.close();
      } catch (ignored) {
        // already closing
      }
    }
    this.#onClosed.forEach((handler) => handler(error));
  }

  #connect(resolve, reject) {
    if (this.#closed) {
      return;
    }
    const bus = new EventBus(this.#herald.baseUrl + '/eventbus');   // pings every 5 s; the bridge drops a socket silent for 10 s
    this.#bus = bus;
    let opened = false;
    bus.onopen = async () => {
      opened = true;
      const request = { ...this.#request };
      if (this.versionId !== null) {
        request.from = this.versionId;
      }
      let headers;
      try {
        headers = await this.#herald.authorization();
      } catch (e) {
        if (reject) {   // the first subscribe: the caller hears why
          reject(new HeraldError('No token to subscribe with: ' + (e?.message ?? e), 401));
          reject = null;
          resolve = null;
          this.#closed = true;
          bus.close();
        } else {
          this.#drop(bus);   // try again, with a token asked for again
        }
        return;
      }
      if (this.#bus !== bus) {
        return;   // closed (or replaced) while the token was fetched
      }
      bus.send('herald.live.subscribe', request, headers, (error, reply) => {
        if (error) {
          const failure = new HeraldError(error.message ?? String(error.body ?? error), STATUS[error.failureCode] ?? 400);
          if (reject) {
            reject(failure);
            reject = null;
            resolve = null;
            this.#closed = true;
            bus.close();
          } else if (error.failureCode === UNAVAILABLE || error.failureCode === undefined) {
            this.#drop(bus);   // for now: try again
          } else {
            this.#end(failure);   // it will not be taken later either
          }
          return;
        }
        const { address, subscription, versionId } = reply.body;
        this.subscription = subscription;
        if (this.versionId === null) {
          this.versionId = versionId;
        }
        bus.registerHandler(address, {}, (failure, message) => {
          if (failure) {
            return;
          }
          this.#deliver(message.body, bus);
        });
        this.#attempt = 0;
        this.#connected = true;
        this.#onConnected.forEach((handler) => handler());
        if (resolve) {
          resolve();
          resolve = null;
          reject = null;
        }
      });
    };
    bus.onclose = () => {
      if (bus !== this.#bus || this.#closed) {
        return;
      }
      if (!opened && reject) {
        reject(new HeraldError('Cannot reach ' + this.#herald.baseUrl + '/eventbus', 0));
        reject = null;
        resolve = null;
        this.#closed = true;
        return;
      }
      this.#drop(bus);
    };
  }

  #deliver(body, bus) {
    if (body.event === 'OVERFLOW') {
      if (typeof body.versionId === 'number' && body.versionId > this.versionId) {
        this.versionId = body.versionId;
      }
      this.#drop(bus);
      return;
    }
    if (this.versionId !== null && body.versionId <= this.versionId) {
      return;   // already delivered before a reconnect
    }
    this.versionId = body.versionId;
    this.#callback(body.resource, { type: body.event, versionId: body.versionId, resourceType: body.resourceType,
      id: body.id });
  }

  /** The socket dropped: reconnect after a backoff, resuming after the last versionId delivered. */
  #drop(bus) {
    if (bus !== this.#bus || this.#closed) {
      return;
    }
    this.#connected = false;
    this.#bus = null;
    try {
      bus.close();
    } catch (ignored) {
      // already closed
    }
    const delay = Math.min(this.#herald.maxReconnectDelay, this.#herald.reconnectDelay * 2 ** this.#attempt++);
    this.#timer = setTimeout(() => this.#connect(null, null), delay);
  }
}

/** A Herald server: live subscriptions and FHIR REST. */
export class Herald {
  /**
   * @param {string} baseUrl e.g. http://localhost:8080 (the FHIR base is baseUrl + '/fhir')
   * @param {{reconnectDelay?: number, maxReconnectDelay?: number, token?: string | (() => string | Promise<string>)}}
   *   [options] reconnection backoff, in ms; token: the bearer token (from /auth/token) every request and subscribe
   *   carries when the server requires one, or a function giving a fresh one (called on every request and reconnect)
   */
  constructor(baseUrl, options = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.reconnectDelay = options.reconnectDelay ?? 250;
    this.maxReconnectDelay = options.maxReconnectDelay ?? 10000;
  }

  /**
   * Hears of changes to resources of a type. Resolves with the connection once the subscription is in place;
   * rejects when the server refuses it (the message says why, e.g. which criteria parameter it does not support).
   *
   * @param {string} resourceType
   * @param {string[]} events a subset of CREATE, UPDATE, DELETE
   * @param {string} [criteria] a search query for the type, e.g. 'name=smith' (or 'Patient?name=smith')
   * @param {(resource: object, event: {type: string, versionId: number, resourceType: string, id: string}) => void} callback
   * @param {{from?: number}} [options] from: hear first of every matching change after this versionId
   */
  async subscribe(resourceType, events, criteria, callback, options = {}) {
    const request = { resourceType, events: events ?? EVENTS };
    if (criteria) {
      request.criteria = criteria;
    }
    if (options.from !== undefined) {
      request.from = options.from;
    }
    return new Connection(this, request, callback).ready;
  }

  async create(resource) {
    return this.#fhir('POST', '/' + resource.resourceType, resource);
  }

  async read(resourceType, id) {
    return this.#fhir('GET', '/' + resourceType + '/' + encodeURIComponent(id));
  }

  async update(resource) {
    return this.#fhir('PUT', '/' + resource.resourceType + '/' + encodeURIComponent(resource.id), resource);
  }

  async delete(resourceType, id) {
    return this.#fhir('DELETE', '/' + resourceType + '/' + encodeURIComponent(id));
  }

  /** A search: the Bundle of the first page. @param {string|Record<string,string>} [query] */
  async search(resourceType, query = '') {
    const text = typeof query === 'string' ? query.replace(/^\?/, '') : new URLSearchParams(query).toString();
    return this.#fhir('GET', '/' + resourceType + (text ? '?' + text : ''));
  }

  /** @internal the Authorization header to send, if any. */
  async authorization() {
    const token = typeof this.token === 'function' ? await this.token() : this.token;
    return token ? { Authorization: 'Bearer ' + token } : {};
  }

  async #fhir(method, path, body) {
    const auth = await this.authorization();
    const response = await fetch(this.baseUrl + '/fhir' + path, {
      method,
      headers: body === undefined ? { Accept: 'application/fhir+json', ...auth }
        : { Accept: 'application/fhir+json', 'Content-Type': 'application/fhir+json', ...auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const diagnostics = json?.issue?.map((i) => i.diagnostics).filter(Boolean).join('; ');
      throw new HeraldError(diagnostics || method + ' ' + path + ': HTTP ' + response.status, response.status, json);
    }
    return json;
  }
}
