#!/usr/bin/env node
// `npm run start:cluster`: build the app if needed (as `npm start` does), then run the cluster
// launcher (sync-server/src/cluster/start-cluster.ts): Redis, PostgreSQL, N processes, one port.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const buildIndex = path.join(root, 'build', 'index.html');

function newestMtime(dir) {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.name === 'paraglide' || entry.name === 'node_modules') continue;
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

const stale =
	!existsSync(buildIndex) ||
	Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'static'))) >
		statSync(buildIndex).mtimeMs;
if (stale) {
	console.log('Building the app (first start or sources changed)…');
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const child = spawn(
	process.execPath,
	[
		'--import',
		'tsx',
		path.join(root, 'sync-server', 'src', 'cluster', 'start-cluster.ts'),
		...process.argv.slice(2)
	],
	{ cwd: root, stdio: 'inherit' }
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
