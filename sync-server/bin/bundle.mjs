// Bundles the sync server's entry points (sync-server/src/main.ts, the validation worker, the
// cluster launcher) into sync-server/dist with esbuild, packages left as imports: `npm start` and
// the end-to-end tests run the bundle (a start takes 1.2 s of CPU, against 2.4 s compiling the
// TypeScript through tsx on every start). Each file is renamed into place whole, so processes that
// bundle at the same time (two test workers) never load half a file.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
export const SERVER_DIST = path.join(root, 'sync-server', 'dist');
const src = path.join(root, 'sync-server', 'src');

/** Entry points, named as in sync-server/src/entry-points.ts. */
const ENTRIES = {
	main: path.join(src, 'main.ts'),
	'validation-worker': path.join(src, 'validation', 'validation-worker.ts'),
	'start-cluster': path.join(src, 'cluster', 'start-cluster.ts')
};

/** Writes sync-server/dist/{main,validation-worker,start-cluster}.js; resolves with the dist path. */
export async function bundleServer() {
	const result = await build({
		entryPoints: ENTRIES,
		outdir: SERVER_DIST,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		// what tsconfig's paths say (generated into .svelte-kit, which a fresh clone lacks)
		alias: { $lib: path.join(root, 'src', 'lib') },
		sourcemap: 'linked',
		write: false,
		logLevel: 'warning'
	});
	mkdirSync(SERVER_DIST, { recursive: true });
	for (const file of result.outputFiles) {
		const temporary = `${file.path}.${process.pid}.tmp`;
		writeFileSync(temporary, file.contents);
		renameSync(temporary, file.path);
	}
	return SERVER_DIST;
}
