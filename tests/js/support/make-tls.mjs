// Makes the TLS certificate the JavaScript tests trust: confabd generates a self-signed one in
// an empty data directory on its first start. Run once before the tests (a ctest fixture).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [binary, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
if (existsSync(join(dir, 'cert.pem')) && existsSync(join(dir, 'key.pem'))) process.exit(0);

const child = spawn(binary, ['--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data'),
  '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  if (out.includes('listening on')) child.kill('SIGTERM');
});
child.on('exit', (code) => {
  if (!existsSync(join(dir, 'cert.pem'))) {
    console.error(`confabd made no certificate (exit ${code}):\n${out}`);
    process.exit(1);
  }
  console.log(`TLS certificate for the tests: ${join(dir, 'cert.pem')}`);
  process.exit(0);
});
