// Vite build for the app (SvelteKit + Paraglide messages + Workbox service worker) and the Vitest setup.
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import svelteConfig from './svelte.config.js';

const root = import.meta.dirname;

/**
 * The suites that also run against a cluster (two server instances on real Redis and PostgreSQL,
 * behind the round-robin proxy): tests/sync-server/harness.ts switches on TIERTWO_TEST_CLUSTER.
 * Skipped, with the reason printed, only on a machine without the servers (CI installs them).
 */
const CLUSTER_SUITES = [
	'tests/sync-server/auth.test.ts',
	'tests/sync-server/authorization.test.ts',
	'tests/sync-server/client-ids.test.ts',
	'tests/sync-server/interop.test.ts',
	'tests/sync-server/forged-events.test.ts',
	'tests/sync-server/invitations.test.ts',
	'tests/sync-server/user-accounts.test.ts',
	'tests/sync-server/enrollment.test.ts',
	'tests/sync-server/customer-invitations.test.ts',
	'tests/sync-server/provisioning.test.ts',
	'tests/sync-server/program-standing.test.ts',
	'tests/sync-server/log-integrity.test.ts',
	'tests/sync-server/channel.test.ts'
];
const missingServers = [
	['redis-server', ['/usr/bin/redis-server', '/usr/local/bin/redis-server']],
	['postgres', ['/usr/lib/postgresql', '/usr/local/bin/postgres', '/usr/bin/postgres']]
]
	.filter(([, paths]) => !(paths as string[]).some((candidate) => existsSync(candidate)))
	.map(([name]) => name as string);
if (missingServers.length > 0 && process.env.VITEST) {
	console.warn(
		`Skipping the cluster runs of the sync server suites: ${missingServers.join(' and ')} not installed ` +
			'(apt-get install redis-server postgresql).'
	);
}

/**
 * Revision of the SPA fallback page (index.html), which adapter-static writes only after the
 * service worker is built. The page is made of the template, the names of hashed build files and
 * the version name, so hashing those changes the revision whenever the page can change, and leaves
 * it alone (no re-download) when a rebuild changed nothing.
 */
async function fallbackRevision(): Promise<string> {
	const hash = createHash('sha256');
	hash.update(await readFile(path.join(root, 'src', 'app.html')));
	hash.update(svelteConfig.kit?.version?.name ?? '');
	const immutable = path.join(root, '.svelte-kit', 'output', 'client', '_app', 'immutable');
	const names = await readdir(immutable, { recursive: true });
	for (const name of names.sort()) hash.update(`\n${name}`);
	return hash.digest('hex').slice(0, 32);
}

export default defineConfig(({ command, mode }) => ({
	plugins: [
		// The message catalogs are compiled by `npm run generate` (package.json) before a build, a
		// check or the tests, once: a compile empties src/lib/i18n/paraglide first, so one inside
		// every Vite process would pull the files from under the type check and the linter that
		// `npm test` runs beside the build. The dev server still recompiles as catalogs change.
		...(command === 'serve' && mode !== 'test'
			? [
					paraglideVitePlugin({
						project: './src/lib/i18n/project.inlang',
						outdir: './src/lib/i18n/paraglide',
						strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
						emitGitIgnore: false,
						emitPrettierIgnore: false
					})
				]
			: []),
		sveltekit(),
		SvelteKitPWA({
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'service-worker.ts',
			injectRegister: false,
			registerType: 'prompt',
			manifest: false,
			injectManifest: {
				globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest,json,woff2}']
			},
			kit: {
				adapterFallback: 'index.html',
				spa: { fallbackRevision },
				includeVersionFile: true
			},
			devOptions: { enabled: false }
		})
	],
	// The build's report leaves out each file's gzip size (computing it is work no one reads in CI).
	build: { reportCompressedSize: false },
	server: { port: 5173 },
	test: {
		environment: 'node',
		// Three files at a time even on two cores (Vitest's default is one there): the server suites
		// wait on sockets, Redis and PostgreSQL much of the time (243 s with one, 177 s with two,
		// 152 s with three).
		maxWorkers: Math.max(3, availableParallelism() - 1),
		// A worker keeps the modules it imported from one file to the next: importing the app's
		// and the server's module graphs again for every file was a third of the suite's time (185
		// s isolated, 127 s not, on 2 cores). Files therefore leave no state behind: each suite
		// names its own databases and data directories, and puts back the globals it stubs.
		isolate: false,
		testTimeout: 30_000,
		hookTimeout: 60_000,
		projects: [
			{
				extends: true,
				test: {
					name: 'default',
					include: ['tests/unit/**/*.test.ts', 'tests/sync-server/**/*.test.ts'],
					exclude: missingServers.length > 0 ? ['tests/sync-server/cluster.test.ts'] : []
				}
			},
			...(missingServers.length > 0
				? []
				: [
						{
							extends: true as const,
							test: {
								name: 'cluster',
								include: CLUSTER_SUITES,
								globalSetup: ['tests/sync-server/cluster-setup.ts'],
								env: { TIERTWO_TEST_CLUSTER: '1' }
							}
						}
					])
		]
	}
}));
