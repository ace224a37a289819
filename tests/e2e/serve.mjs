// Starts the real server for E2E tests on a fresh temporary data dir (the build must exist).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-e2e-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
	cwd: root,
	stdio: 'inherit',
	env: { ...process.env, DATA_DIR: dataDir }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
