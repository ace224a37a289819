// For `npm start` and `npm run start:cluster`: build the app when the build is missing or older than
// its sources, then run `entry` (a TypeScript file of sync-server/src) through tsx, passing on the
// command line's arguments and the stop signals.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
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

/** @param {string[]} entry path segments under sync-server/src */
export function buildThenRun(...entry) {
	const stale =
		!existsSync(buildIndex) ||
		Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'static'))) >
			statSync(buildIndex).mtimeMs;
	if (stale) {
		console.log('Building the app (first start or sources changed)…');
		const result = spawnSync('npm', ['run', 'build', '--', '--logLevel', 'warn'], {
			cwd: root,
			stdio: 'inherit'
		});
		if (result.status !== 0) process.exit(result.status ?? 1);
	}
	const child = spawn(
		process.execPath,
		['--import', 'tsx', path.join(root, 'sync-server', 'src', ...entry), ...process.argv.slice(2)],
		{ cwd: root, stdio: 'inherit' }
	);
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
