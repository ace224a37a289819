// Vite build for the app (SvelteKit + Paraglide messages + Workbox service worker) and the Vitest setup.
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './src/lib/i18n/project.inlang',
			outdir: './src/lib/i18n/paraglide',
			strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
			emitGitIgnore: false,
			emitPrettierIgnore: false
		}),
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
			kit: { adapterFallback: 'index.html', spa: true, includeVersionFile: true },
			devOptions: { enabled: false }
		})
	],
	server: { port: 5173 },
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/sync-server/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
