// SvelteKit configuration: a static single-page app (one fallback page) served by the sync server.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ fallback: 'index.html', strict: true }),
		// The service worker is built by @vite-pwa/sveltekit (workbox precache with per-file
		// revisions) and registered by workbox-window, so SvelteKit must not register its own.
		serviceWorker: { register: false },
		alias: { $domain: 'src/lib/domain', $flows: 'src/lib/flows' },
		version: { pollInterval: 0 }
	}
};

export default config;
