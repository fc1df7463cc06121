// Starts Herald (the jar built by `mvn package`, on its embedded PostgreSQL in a temporary directory) for the tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const jar = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'target', 'herald.jar');

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A Herald process; start() again after kill() restarts it on the same port and data. */
export class HeraldServer {
  /** @param {Record<string,string>} [env] more environment (authentication is off unless HERALD_AUTH says on) */
  constructor(env = {}) {
    this.env = env;
    this.dataDir = mkdtempSync(join(tmpdir(), 'herald-js-'));
    this.port = null;
    this.process = null;
    this.log = '';
  }

  get url() {
    return 'http://localhost:' + this.port;
  }

  async start() {
    if (!existsSync(jar)) {
      throw new Error(jar + ' is missing: build Herald first (mvn -q -DskipTests package)');
    }
    this.port ??= await freePort();
    this.process = spawn('java', ['-jar', jar], {
      env: { ...process.env, HERALD_HTTP_PORT: String(this.port), HERALD_HTTP_HOST: '127.0.0.1',
        HERALD_DATA_DIR: join(this.dataDir, 'data'), HERALD_PG_URI: process.env.HERALD_PG_URI ?? '', HERALD_AUTH: 'off',
        ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout.on('data', (d) => { this.log += d; });
    this.process.stderr.on('data', (d) => { this.log += d; });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error('Herald exited: ' + this.log);
      }
      try {
        const response = await fetch(this.url + '/fhir/metadata');
        if (response.ok) {
          return this;
        }
      } catch (notYet) {
        // starting
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('Herald did not start in 90 s: ' + this.log);
  }

  /** SIGKILL: no shutdown at all. */
  async kill() {
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGKILL');
    await exited;
  }

  async stop() {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
