// SvelteKit configuration: a static single-page app (one fallback page) served by the sync server.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = import.meta.dirname;
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * A short hash of everything a build is made from, so the version name changes exactly when the
 * app can (SvelteKit compares it to notice a new release) and a rebuild of the same sources gives
 * the same name, hence an identical service worker and no needless update for users.
 */
function sourceFingerprint() {
	const hash = createHash('sha256');
	for (const dir of ['src', 'static']) {
		const files = readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile())
			.map((entry) => path.join(entry.parentPath, entry.name))
			// Paraglide's output and the inlang project's cache are generated (during the build, on a
			// fresh clone) from the catalogs and settings, which are hashed already: hashing them would
			// give the build's passes different version names and a broken, mixed build.
			.filter((file) => !file.includes(`${path.sep}paraglide${path.sep}`))
			.filter(
				(file) =>
					!file.includes(`${path.sep}project.inlang${path.sep}`) ||
					path.basename(file) === 'settings.json'
			)
			.sort();
		for (const file of files) {
			hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
		}
	}
	for (const file of ['package-lock.json', 'vite.config.ts', 'svelte.config.js']) {
		const full = path.join(root, file);
		if (existsSync(full)) hash.update(readFileSync(full));
	}
	return hash.digest('hex').slice(0, 8);
}

// Where the built app goes: `build` for `npm start`; the update e2e test builds a second release
// elsewhere so two different builds can be served one after the other.
const buildDir = process.env.TIERTWO_BUILD_DIR || 'build';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ pages: buildDir, assets: buildDir, fallback: 'index.html', strict: true }),
		// The service worker is built by @vite-pwa/sveltekit (workbox precache with per-file
		// revisions) and registered by workbox-window, so SvelteKit must not register its own.
		serviceWorker: { register: false },
		alias: { $domain: 'src/lib/domain', $flows: 'src/lib/flows' },
		// The sync server shares the domain code, so it is type-checked with the app.
		typescript: {
			config: (tsconfig) => {
				tsconfig.include.push('../sync-server/**/*.ts');
			}
		},
		// Shown in Settings > About; TIERTWO_BUILD_LABEL names a build explicitly (the update test).
		version: {
			name: process.env.TIERTWO_BUILD_LABEL || `${pkg.version}+${sourceFingerprint()}`,
			pollInterval: 0
		}
	}
};

export default config;
