// Lint rules for the whole repository (`npm run lint:code`). The script sets
// SVELTE_ESLINT_PARSER_EXPERIMENTAL_TS_SYS_HOOK=1, svelte-eslint-parser's opt-in fix for typed
// linting of .svelte files: TypeScript reads each component as the virtual code the parser lints, so
// one program serves every file instead of one rebuilt per component (.svelte files: 52 s alone
// without it, 25 s with it; the same findings). It must be set before the parser loads, hence the
// environment and not this file.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * What code shared by the app and the sync server (the domain, the workflows, the wire formats and
 * HTTP contracts) may not import: the app's storage, sync, UI and page parts, the server, the
 * frameworks and Node.
 */
const APP_OR_SERVER = [
	'$lib/db/*',
	'$lib/sync/*',
	'$lib/ui/*',
	'$lib/views/*',
	'$lib/i18n/*',
	'$app/*',
	'**/db/*',
	'**/sync/*',
	'**/ui/*',
	'**/views/*',
	'**/sync-server/**',
	'svelte',
	'svelte/*',
	'dexie',
	'node:*'
];

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'data/',
			'test-results/',
			'playwright-report/',
			'src/lib/i18n/paraglide/',
			'src/lib/i18n/project.inlang/',
			'dev-dist/',
			'sync-server/dist/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			],
			// One-line bodies may go without braces; a body over several lines has them.
			curly: ['error', 'multi-line'],
			'svelte/button-has-type': 'error'
		}
	},
	{
		// The domain and the workflows are pure TypeScript shared by the app and the sync server:
		// they import nothing from storage, sync, the UI, the server or the frameworks.
		files: ['src/lib/domain/**', 'src/lib/flows/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: APP_OR_SERVER,
							message:
								'src/lib/domain and src/lib/flows are pure: pass what they need in, do not import it.'
						}
					]
				}
			]
		}
	},
	{
		// The wire formats and HTTP contracts both sides import: the domain and the workflows at
		// most, never the app's storage, sync or UI, nor the server.
		files: ['src/lib/protocol/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: APP_OR_SERVER,
							message:
								'src/lib/protocol is shared by the app and the server: it imports neither side.'
						}
					]
				}
			]
		}
	},
	{
		// UI components receive data and intents as props and do no data access: the pages (routes)
		// read the local database and call the sync layer's intents. Types may be imported.
		files: ['src/lib/ui/**'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/db/*', '$lib/sync/*', '../db/*', '../sync/*'],
							allowTypeImports: true,
							message:
								'UI components take data and intents as props: read and act in the page that uses them.'
						}
					]
				}
			]
		}
	},
	{
		// The server's layers: documents, storage and the services under them know nothing of the
		// transports (websocket, HTTP) on top; what both need (the wire format, rate budgets) sits
		// at sync-server/src's top level.
		files: [
			'sync-server/src/docs/**',
			'sync-server/src/store/**',
			'sync-server/src/accounts/**',
			'sync-server/src/invitations/**',
			'sync-server/src/enrollment/**',
			'sync-server/src/provisioning/**',
			'sync-server/src/validation/**'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/ws/*', '**/http/*'],
							message:
								'Only the transports import the transports: move what both need down to sync-server/src.'
						}
					]
				}
			]
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: { allowDefaultProject: ['src/service-worker.ts'] },
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error'
		}
	}
);
