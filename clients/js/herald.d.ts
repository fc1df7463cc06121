/** A FHIR server's error: the OperationOutcome's diagnostics, the HTTP status, and the outcome itself. */
export declare class HeraldError extends Error {
  readonly status: number;
  readonly outcome: unknown;
}

export type EventType = 'CREATE' | 'UPDATE' | 'DELETE';

/** Which change fired a callback. */
export interface LiveEvent {
  type: EventType;
  versionId: number;
  resourceType: string;
  id: string;
}

/** A FHIR resource as JSON. */
export interface Resource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  [key: string]: unknown;
}

/** One live subscription: its events reach the callback in versionId order, each once, across reconnects. */
export declare class Connection {
  /** The versionId of the last change delivered (or where the stream started); a reconnect resumes after it. */
  readonly versionId: number | null;
  readonly subscription: string | null;
  readonly connected: boolean;
  /** Called on every (re)connection, and at once when registered while connected. */
  onConnected(handler: () => void): this;
  /**
   * Called once, when the connection is closed for good: by close() (no argument), or because the server refused to
   * resume it (why, e.g. the last versionId delivered is too far back to catch up from).
   */
  onClosed(handler: (error?: HeraldError) => void): this;
  close(): void;
}

export interface HeraldOptions {
  /** First reconnection delay in ms (doubling), default 250. */
  reconnectDelay?: number;
  /** Longest reconnection delay in ms, default 10000. */
  maxReconnectDelay?: number;
  /**
   * The bearer token (from POST /auth/token) every request and subscribe carries when the server requires one, or a
   * function giving a fresh one, called on every request and reconnection.
   */
  token?: string | (() => string | Promise<string>);
}

export declare class Herald {
  constructor(baseUrl: string, options?: HeraldOptions);
  readonly baseUrl: string;
  /**
   * Hears of changes to resources of a type: resolves once the subscription is in place, rejects with the server's
   * reason when it refuses it.
   */
  subscribe(resourceType: string, events: EventType[] | null, criteria: string | null,
            callback: (resource: Resource, event: LiveEvent) => void,
            options?: { from?: number }): Promise<Connection>;
  create(resource: Resource): Promise<Resource>;
  read(resourceType: string, id: string): Promise<Resource>;
  update(resource: Resource): Promise<Resource>;
  delete(resourceType: string, id: string): Promise<unknown>;
  /** The first page of a search, as a FHIR Bundle. */
  search(resourceType: string, query?: string | Record<string, string>): Promise<Resource>;
}
