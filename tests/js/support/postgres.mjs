// A database of its own for a test, made on the PostgreSQL the suite runs
// (CONFAB_TEST_POSTGRES_URL, a role that may create databases), as the C++ tests'
// TestDatabase does; psql runs the statements, so the tests need no driver of their own.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';

function admin(adminUrl, statement) {
  execFileSync(process.env.CONFAB_PSQL ?? 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', adminUrl, '-c', statement], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export function createDatabase() {
  const adminUrl = process.env.CONFAB_TEST_POSTGRES_URL;
  assert.ok(adminUrl, 'CONFAB_TEST_POSTGRES_URL must name a PostgreSQL role that may create databases '
    + '(scripts/test.sh exports it), such as postgresql://confab:confab@127.0.0.1:5432/postgres');
  // A name cannot be a bound parameter; this one is made here of [a-z0-9] only.
  const name = `confab_js_${randomBytes(6).toString('hex')}`;
  admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
