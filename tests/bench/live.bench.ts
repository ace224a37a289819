// Live between orgs, in real browsers against the real server (its own data directory, the built
// app): (a) edit-to-other-screen latency: the reseller adds a tenant user on a customer record and
// the provider (same record open, presence on) sees the row; (b) a device that made 1,000 changes
// offline reconnects: time until its outbox is empty and until the other screen shows all 1,000.
// Prints `name value unit` lines. Needs `npm run build` first.
//   node --import tsx tests/bench/live.bench.ts      (or: npm run bench -- live)
import { chromium, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_BUILD_DIR, ROOT, freePort, newDataDir, startAppServer } from '../e2e/app-server';
import { CHROMIUM_FLAGS, findChromium } from '../e2e/browser';
import { networkSwitch } from '../e2e/network-switch';
import { percentile } from './bench-workspace';

const EDITS = Number(process.env.BENCH_LIVE_EDITS ?? 50);
const OFFLINE_EVENTS = Number(process.env.BENCH_LIVE_OFFLINE ?? 1000);
const RECORD = '/customers/alpineskihouse';
const PASSWORD = 'tiertwo-demo';

async function signIn(page: Page, email: string): Promise<void> {
	await page.goto('/sign-in');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

async function openRecord(page: Page): Promise<void> {
	await page.goto(RECORD);
	await page.getByRole('heading', { level: 1, name: 'Alpine Ski House' }).waitFor();
}

/** Records (in the page) when a tenant user row with a given name first appears. */
function watchRows(page: Page): Promise<void> {
	// A string: tsx would wrap named functions in a helper the page does not have.
	return page.evaluate(`(() => {
		const seen = new Map();
		window.__seen = seen;
		const scan = () => {
			const now = Date.now();
			for (const cell of document.querySelectorAll('tbody th[scope="row"]')) {
				const name = cell.textContent?.trim() ?? '';
				if (!seen.has(name)) seen.set(name, now);
			}
		};
		new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
		scan();
	})()`);
}

const seenAt = (page: Page, name: string) =>
	page.evaluate(
		(n) => (window as unknown as { __seen: Map<string, number> }).__seen.get(n) ?? 0,
		name
	);

/** Adds a tenant user through the form as a person would; returns when the submit happened. */
async function addUser(page: Page, displayName: string, userName: string): Promise<number> {
	const form = page.getByRole('form', { name: 'Add user' });
	await form.getByLabel('Display name').fill(displayName);
	await form.getByLabel('User name').fill(userName);
	const submitted = await page.evaluate(() => Date.now());
	await form.getByRole('button', { name: 'Add', exact: true }).click();
	await page.getByRole('rowheader', { name: displayName, exact: true }).waitFor();
	return submitted;
}

const outboxCount = (page: Page) =>
	page.evaluate(async () => {
		const request = indexedDB.open('tiertwo');
		const idb: IDBDatabase = await new Promise((resolve, reject) => {
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const count = await new Promise<number>((resolve) => {
			const query = idb.transaction('outbox').objectStore('outbox').count();
			query.onsuccess = () => resolve(query.result);
		});
		idb.close();
		return count;
	});

// The built app plus the offline writer's bundle, served together.
const appDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-bench-app-'));
cpSync(DEFAULT_BUILD_DIR, appDir, { recursive: true });
const writer = await build({
	entryPoints: [path.join(import.meta.dirname, 'live-offline-writer.page.ts')],
	bundle: true,
	minify: true,
	format: 'esm',
	write: false,
	target: 'es2022',
	alias: { $lib: path.join(ROOT, 'src', 'lib') },
	logLevel: 'error'
});
writeFileSync(path.join(appDir, 'bench-offline-writer.js'), writer.outputFiles[0]?.text ?? '');
const server = await startAppServer({ port: await freePort(), dataDir: newDataDir(), appDir });
const executablePath = findChromium();
const browser = await chromium.launch({
	headless: true,
	args: CHROMIUM_FLAGS,
	...(executablePath ? { executablePath } : {})
});
try {
	const reseller = await browser.newContext({ baseURL: server.url });
	const provider = await browser.newContext({ baseURL: server.url });
	const resellerPage = await reseller.newPage();
	const providerPage = await provider.newPage();
	await signIn(resellerPage, 'admin@contoso.example');
	await signIn(providerPage, 'admin@northwind.example');
	await openRecord(resellerPage);
	await openRecord(providerPage);
	// Presence on: each sees the other on the record.
	await resellerPage
		.getByRole('region', { name: 'Also here now' })
		.getByRole('listitem')
		.first()
		.waitFor();
	await watchRows(providerPage);

	// (a) edit -> the other screen, one edit at a time.
	const latencies: number[] = [];
	for (let i = 0; i < EDITS; i += 1) {
		const name = `Live ${i}`;
		const submitted = await addUser(resellerPage, name, `live${i}@alpine.example`);
		await providerPage.getByRole('rowheader', { name, exact: true }).waitFor({ timeout: 30_000 });
		latencies.push((await seenAt(providerPage, name)) - submitted);
	}

	// (b) 1,000 changes made offline on the reseller's device, then back online.
	// The app's own engine, bundled and served by the app server (same origin, same IndexedDB).
	await resellerPage.addScriptTag({ url: '/bench-offline-writer.js', type: 'module' });
	await resellerPage.waitForFunction(() => 'benchWriteOffline' in window);
	const network = await networkSwitch(reseller);
	await network.offline();
	const madeOffline = Date.now();
	const made = await resellerPage.evaluate(
		(options) =>
			(
				window as unknown as {
					benchWriteOffline(o: typeof options): Promise<number>;
				}
			).benchWriteOffline(options),
		{
			userId: 'contoso-admin',
			orgId: 'contoso',
			doc: 'customer/alpineskihouse',
			customerName: 'Alpine Ski House',
			count: OFFLINE_EVENTS
		}
	);
	if (made !== OFFLINE_EVENTS) throw new Error(`made ${made} offline changes`);
	await resellerPage
		.getByRole('rowheader', { name: `Offline ${OFFLINE_EVENTS - 1}`, exact: true })
		.waitFor({ timeout: 120_000 });
	const offlineMs = Date.now() - madeOffline;
	const waiting = await outboxCount(resellerPage);
	const last = `Offline ${OFFLINE_EVENTS - 1}`;
	const online = Date.now();
	await network.online();
	let outboxEmptyMs = 0;
	while (Date.now() - online < 300_000) {
		if ((await outboxCount(resellerPage)) === 0) {
			outboxEmptyMs = Date.now() - online;
			break;
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	await providerPage
		.getByRole('rowheader', { name: last, exact: true })
		.waitFor({ timeout: 300_000 });
	let shown = 0;
	for (let i = 0; i < OFFLINE_EVENTS; i += 1) {
		if ((await seenAt(providerPage, `Offline ${i}`)) > 0) shown += 1;
	}
	const allShownMs = (await seenAt(providerPage, last)) - online;

	const load = os.loadavg()[0]?.toFixed(2) ?? '?';
	console.log(`live.machine_load_1min ${load}`);
	console.log(`live.edit_to_other_screen_p50 ${percentile(latencies, 50)} ms (${EDITS} edits)`);
	console.log(`live.edit_to_other_screen_p99 ${percentile(latencies, 99)} ms`);
	console.log(`live.edit_to_other_screen_max ${Math.max(...latencies)} ms`);
	console.log(
		`live.offline_changes_made ${waiting} pending (${offlineMs} ms by the app's engine, offline)`
	);
	console.log(`live.offline_reconnect_outbox_empty ${outboxEmptyMs} ms`);
	console.log(
		`live.offline_reconnect_other_screen_all ${allShownMs} ms (${shown} of ${OFFLINE_EVENTS} rows)`
	);
	if (waiting !== OFFLINE_EVENTS || outboxEmptyMs === 0 || shown !== OFFLINE_EVENTS) {
		process.exit(1);
	}
} finally {
	await browser.close();
	await server.stop();
	rmSync(appDir, { recursive: true, force: true });
}
