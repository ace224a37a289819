// For `npm start` and `npm run start:cluster`: build the app when the build is missing or older than
// its sources, bundle the server (sync-server/dist, well under a second), then run `entry` (a
// bundled entry point: main, start-cluster), passing on the command line's arguments and the stop
// signals.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bundleServer } from './bundle.mjs';

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

/** @param {'main' | 'start-cluster'} entry */
export async function buildThenRun(entry) {
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
	const dist = await bundleServer();
	const child = spawn(
		process.execPath,
		['--enable-source-maps', path.join(dist, `${entry}.js`), ...process.argv.slice(2)],
		{ cwd: root, stdio: 'inherit' }
	);
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
