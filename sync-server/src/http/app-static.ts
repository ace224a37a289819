// Serves the built single-page app with security headers and cache rules (hashed assets immutable).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';

/** Headers every response of this server should carry (the API may reuse them). */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'Referrer-Policy': 'no-referrer',
	'X-Content-Type-Options': 'nosniff',
	'Cross-Origin-Opener-Policy': 'same-origin'
};

/** Paths the server answers itself; the app's fallback page must never stand in for them. */
const SERVER_PATHS = /^\/(api|sync|health|metrics)(\/|$)/;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Hashed build output never changes under its name; the HTML and the service worker must always
 * come fresh (a cached service worker or page would pin users to an old release); anything else
 * (icons, manifest) may be kept but is revalidated.
 */
export function cacheControlFor(pathname: string): string {
	if (pathname.startsWith('/_app/immutable/')) return IMMUTABLE;
	if (pathname === '/service-worker.js') return 'no-store';
	if (pathname.endsWith('.html') || path.posix.extname(pathname) === '') return 'no-store';
	return 'no-cache';
}

function sha256(text: string): string {
	return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Hashes of the inline scripts in the fallback page (SvelteKit's boot script). */
function inlineScriptHashes(indexHtml: string): string[] {
	const hashes = new Set<string>();
	for (const match of indexHtml.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
		const body = match[1] ?? '';
		if (!/\ssrc=/.test(match[0].slice(0, match[0].indexOf('>'))) && body.trim()) {
			hashes.add(sha256(body));
		}
	}
	return [...hashes];
}

/**
 * Hashes of the static `style="..."` attributes compiled into the app's templates (e.g. SvelteKit's
 * route announcer), allowed one by one with 'unsafe-hashes' instead of allowing any inline style.
 */
function templateStyleHashes(appDir: string): string[] {
	const hashes = new Set<string>();
	const immutable = path.join(appDir, '_app', 'immutable');
	if (!existsSync(immutable)) return [];
	for (const name of readdirSync(immutable, { recursive: true, encoding: 'utf8' })) {
		if (!name.endsWith('.js')) continue;
		const code = readFileSync(path.join(immutable, name), 'utf8');
		for (const match of code.matchAll(/style="([^"]*)"/g)) hashes.add(sha256(match[1] ?? ''));
	}
	return [...hashes];
}

/** A host header we are willing to echo into the CSP (host, IPv4, [IPv6], optional port). */
const HOST_PATTERN = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function contentSecurityPolicy(
	req: IncomingMessage,
	scriptHashes: string[],
	styleHashes: string[]
): string {
	const host = req.headers.host;
	// 'self' covers ws(s) to the same host in CSP3 browsers; older ones need it spelled out.
	const socket = host && HOST_PATTERN.test(host) ? ` ws://${host} wss://${host}` : '';
	const styleSrc = styleHashes.length
		? `'self' 'unsafe-hashes' ${styleHashes.join(' ')}`
		: `'self'`;
	return [
		`default-src 'self'`,
		`script-src 'self' ${scriptHashes.join(' ')}`.trimEnd(),
		`style-src ${styleSrc}`,
		`img-src 'self' data:`,
		`font-src 'self'`,
		`connect-src 'self'${socket}`,
		`manifest-src 'self'`,
		`worker-src 'self'`,
		`object-src 'none'`,
		`base-uri 'none'`,
		`form-action 'self'`,
		`frame-ancestors 'none'`
	].join('; ');
}

/**
 * The version name of the build in `appDir` (SvelteKit's `_app/version.json`): a /health that
 * reports it lets open apps notice a new release as soon as the server serves one.
 */
export function builtAppVersion(appDir: string): string | undefined {
	try {
		const file = path.join(appDir, '_app', 'version.json');
		const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
		return typeof version === 'string' ? version : undefined;
	} catch {
		// No build yet (e.g. the server runs for its own tests): there is no app version to report.
		return undefined;
	}
}

export type AppHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export function createAppHandler(appDir: string): AppHandler {
	const indexPath = path.join(appDir, 'index.html');
	// The build is fixed for the life of the process (sirv also lists the files once at start).
	const scriptHashes = existsSync(indexPath)
		? inlineScriptHashes(readFileSync(indexPath, 'utf8'))
		: [];
	const styleHashes = templateStyleHashes(appDir);
	// Without a build (the server's own tests run before `npm run build`) the API and sync still
	// work; app pages answer 503 with what to do instead of the process failing to start.
	const serve: AppHandler = existsSync(appDir)
		? sirv(appDir, {
				single: 'index.html',
				dev: false,
				etag: true,
				setHeaders: (res, pathname) => res.setHeader('Cache-Control', cacheControlFor(pathname))
			})
		: (_req, res) => {
				res.writeHead(503, {
					'content-type': 'text/plain; charset=utf-8',
					'cache-control': 'no-store'
				});
				res.end('The app is not built yet: run `npm run build` (npm start does it for you).\n');
			};

	return (req, res, next) => {
		const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(pathname)) {
			next();
			return;
		}
		for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) res.setHeader(name, value);
		res.setHeader('Content-Security-Policy', contentSecurityPolicy(req, scriptHashes, styleHashes));
		serve(req, res, next);
	};
}
