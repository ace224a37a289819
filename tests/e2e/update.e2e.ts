// Update flow: a new release waits behind "Update available" and arrives only when the user clicks Reload.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	DEFAULT_BUILD_DIR,
	buildLabel,
	deriveRelease,
	freePort,
	newDataDir,
	startAppServer,
	type AppServer
} from './app-server';
import { expectNoAxeViolations } from './axe';
import { MENU, expect, signIn, test, waitForServiceWorkerControl } from './fixtures';

// The update journey: a new service worker is what it is about.
test.use({ serviceWorkers: 'allow' });

let releaseB = '';
let labelA = '';
let labelB = '';
let server: AppServer | undefined;

test.beforeAll(() => {
	labelA = buildLabel(DEFAULT_BUILD_DIR);
	labelB = `${labelA}-e2e-b`;
	releaseB = path.join(mkdtempSync(path.join(os.tmpdir(), 'tiertwo-e2e-release-')), 'build');
	deriveRelease(DEFAULT_BUILD_DIR, releaseB, labelB);
});

test.afterAll(() => {
	if (releaseB) rmSync(path.dirname(releaseB), { recursive: true, force: true });
});

test.afterEach(async () => {
	await server?.stop();
	server = undefined;
});

test('a new release shows Update available, stays out until Reload, and Reload brings it', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const port = await freePort();
	const dataDir = newDataDir();
	server = await startAppServer({ port, dataDir });
	const context = await browser.newContext({ baseURL: server.url });
	const page = await context.newPage();
	const version = page.getByTestId('build-label');
	const banner = page.getByRole('status').filter({ hasText: 'Update available' });
	try {
		await signIn(page);
		await waitForServiceWorkerControl(page);
		await page.getByRole('link', { name: MENU.en['/settings'], exact: true }).click();
		await expect(version).toHaveText(labelA);

		await server.stop();
		server = await startAppServer({ port, dataDir, appDir: releaseB });

		// Using the app (navigating) is what looks for a new release; keep using it until found.
		const menu = page.getByRole('navigation');
		await expect(async () => {
			await menu.getByRole('link', { name: MENU.en['/customers'], exact: true }).click();
			await menu.getByRole('link', { name: MENU.en['/settings'], exact: true }).click();
			await expect(banner).toBeVisible({ timeout: 2_000 });
		}).toPass({ timeout: 45_000 });
		await expect(version).toHaveText(labelA);
		await expectNoAxeViolations(page, 'Update available notice');

		// Without the click, release A stays, even across a reload.
		await page.reload();
		await expect(version).toHaveText(labelA);
		await expect(banner).toBeVisible();

		await banner.getByRole('button', { name: 'Reload' }).click();
		await expect(version).toHaveText(labelB);
		await expect(banner).toBeHidden();
	} finally {
		await context.close();
	}
});
