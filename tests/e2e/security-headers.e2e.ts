// Security headers and HTTP caching of the served app.
import { expect, test } from './fixtures';

test('pages carry a strict CSP, no-referrer and nosniff, and are never cached', async ({
	request
}) => {
	for (const route of ['/', '/customers', '/index.html']) {
		const response = await request.get(route);
		expect(response.status()).toBe(200);
		const headers = response.headers();
		const csp = headers['content-security-policy'] ?? '';
		expect(csp).not.toContain('unsafe-eval');
		expect(csp).toMatch(/(^|; )script-src 'self'( 'sha256-[^']+')*(;|$)/);
		expect(csp).toMatch(/(^|; )connect-src 'self' ws:\/\/localhost:\d+ wss:\/\/localhost:\d+(;|$)/);
		expect(csp).toContain("object-src 'none'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(headers['referrer-policy']).toBe('no-referrer');
		expect(headers['x-content-type-options']).toBe('nosniff');
		expect(headers['cache-control']).toBe('no-store');
	}
});

test('hashed assets are immutable, the service worker is never cached', async ({ request }) => {
	const html = await (await request.get('/')).text();
	const asset = /\/_app\/immutable\/[^"]+\.js/.exec(html)?.[0];
	expect(asset).toBeDefined();
	const assetResponse = await request.get(asset!);
	expect(assetResponse.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
	expect(assetResponse.headers()['x-content-type-options']).toBe('nosniff');

	const worker = await request.get('/service-worker.js');
	expect(worker.status()).toBe(200);
	expect(worker.headers()['cache-control']).toBe('no-store');
});

test('a missing asset is a 404, not the app page', async ({ request }) => {
	const response = await request.get('/_app/immutable/chunks/does-not-exist.js');
	expect(response.status()).toBe(404);
});
