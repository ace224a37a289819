// Installability: Chromium's own verdict (DevTools Protocol) and the manifest fields an install uses.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_FLAGS, findChromium } from './browser';
import { expect, test } from './fixtures';

test('Chromium reports no installability errors for the served app', async ({
	playwright,
	baseURL
}) => {
	// Chromium never offers to install from an incognito profile (Playwright's default contexts),
	// so this check runs in a real, persistent profile.
	const profile = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-e2e-profile-'));
	const context = await playwright.chromium.launchPersistentContext(profile, {
		executablePath: findChromium({ full: true }),
		args: CHROMIUM_FLAGS,
		baseURL
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/sign-in');
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		const cdp = await context.newCDPSession(page);
		const { errors } = await cdp.send('Page.getAppManifest');
		expect(errors).toEqual([]);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
});

test('the manifest names the app, starts at / standalone, and has 192, 512 and maskable icons', async ({
	request
}) => {
	const response = await request.get('/manifest.webmanifest');
	expect(response.headers()['content-type']).toContain('application/manifest+json');
	const manifest = (await response.json()) as {
		id: string;
		name: string;
		short_name: string;
		start_url: string;
		scope: string;
		display: string;
		theme_color: string;
		background_color: string;
		icons: { src: string; sizes: string; type: string; purpose: string }[];
	};
	expect(manifest).toMatchObject({ id: '/', start_url: '/', scope: '/', display: 'standalone' });
	expect(manifest.name).toBeTruthy();
	expect(manifest.short_name).toBeTruthy();
	expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
	expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
	const icon = (sizes: string, purpose: string) =>
		manifest.icons.find((entry) => entry.sizes === sizes && entry.purpose === purpose);
	for (const [sizes, purpose] of [
		['192x192', 'any'],
		['512x512', 'any'],
		['512x512', 'maskable']
	] as const) {
		const entry = icon(sizes, purpose);
		expect(entry, `${sizes} ${purpose} icon`).toBeDefined();
		const image = await request.get(entry!.src);
		expect(image.ok()).toBe(true);
		expect(image.headers()['content-type']).toBe('image/png');
		// PNG header: width and height are the 4-byte big-endian integers at offsets 16 and 20.
		const body = await image.body();
		const [width, height] = sizes.split('x').map(Number);
		expect([body.readUInt32BE(16), body.readUInt32BE(20)]).toEqual([width, height]);
	}
});
