// Starts the real confabd for a test: a free port, a fresh data directory, a Pusher app, and
// the TLS certificate that this test process trusts (NODE_EXTRA_CA_CERTS, made by
// support/make-tls.mjs before the tests start).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const app = { id: '4242', key: 'confab-test-key', secret: 'confab-test-secret' };

export function binary() {
  const path = process.env.CONFAB_SERVER_BINARY;
  assert.ok(path, 'CONFAB_SERVER_BINARY names the confabd to test');
  return path;
}

// Resolves with the port once confabd prints its listening line.
export async function startConfabd({ env = {}, dataDir, withPusher = true } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'confab-js-'));
  const tlsDir = process.env.CONFAB_TEST_TLS_DIR;
  const childEnv = {
    ...process.env,
    CONFAB_SCRYPT_LOG2_N: '14',
    ...(tlsDir ? { CONFAB_TLS_CERT: join(tlsDir, 'cert.pem'), CONFAB_TLS_KEY: join(tlsDir, 'key.pem') } : {}),
    ...(withPusher
      ? {
          CONFAB_PUSHER_APP_ID: app.id,
          CONFAB_PUSHER_APP_KEY: app.key,
          CONFAB_PUSHER_APP_SECRET: app.secret,
        }
      : {}),
    ...env,
  };
  const child = spawn(binary(), ['--listen', '127.0.0.1:0', '--data-dir', dir, '--socket-threads', '2'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stderr.on('data', (chunk) => {
    output += chunk;
    if (process.env.CONFAB_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`confabd did not start:\n${stdout}\n${output}`)), 20000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /confabd: listening on wss:\/\/127\.0\.0\.1:(\d+)\/ws/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', () => reject(new Error(`confabd exited before listening:\n${stdout}\n${output}`)));
  });
  return {
    port,
    dataDir: dir,
    log: () => output,
    // Stops with SIGTERM; confabd must exit cleanly.
    async stop({ keepData = false } = {}) {
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      assert.equal(signal, null, `confabd died of ${signal}:\n${output}`);
      assert.equal(code, 0, `confabd exited with ${code}:\n${output}`);
      if (!keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
    // Kills with SIGKILL, as a crash would: nothing is said to anyone.
    async kill() {
      child.kill('SIGKILL');
      await exited;
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
