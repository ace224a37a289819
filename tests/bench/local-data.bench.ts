// Measures local data in headless Chromium with 100,000 customers and 300,000 subscriptions in
// IndexedDB: read-model import rate, first rows of the Customers list after a cold start (a new
// browser process), filter-as-you-type latency per keystroke, and opening a 10,000-event document.
// Prints `name value unit` lines. The page code is the app's own db/sync modules, bundled by esbuild.
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_FLAGS, findChromium } from '../e2e/browser';
import { percentile } from './bench-workspace';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const DOCUMENT_EVENTS = 10_000;
const COLD_STARTS = 5;
const root = path.resolve(import.meta.dirname, '..', '..');

async function bundle(entry: string): Promise<string> {
	const result = await build({
		entryPoints: [path.join(root, 'tests', 'bench', entry)],
		bundle: true,
		minify: true,
		format: 'esm',
		write: false,
		target: 'es2022',
		alias: { $lib: path.join(root, 'src', 'lib') },
		logLevel: 'error'
	});
	return result.outputFiles[0]?.text ?? '';
}

const median = (values: number[]) => percentile(values, 50);

const scripts = {
	'/bench.js': await bundle('local-data.page.ts'),
	'/cold.js': await bundle('local-data-cold-start.page.ts')
};
const server = http.createServer((req, res) => {
	const url = req.url ?? '/';
	const script = scripts[url as keyof typeof scripts];
	if (script !== undefined) {
		res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
		return;
	}
	const src = url.startsWith('/cold') ? '/cold.js' : '/bench.js';
	res
		.writeHead(200, { 'content-type': 'text/html' })
		.end(`<!doctype html><title>bench</title><script type="module" src="${src}"></script>`);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// BENCH_PROFILE keeps the browser profile (and its imported data) between runs: for iterating.
const keptProfile = process.env.BENCH_PROFILE;
const profile = keptProfile ?? mkdtempSync(path.join(os.tmpdir(), 'tiertwo-bench-profile-'));
const imported = path.join(profile, 'tiertwo-imported.json');
const executablePath = findChromium();
const launch = () =>
	chromium.launchPersistentContext(profile, {
		headless: true,
		args: CHROMIUM_FLAGS,
		...(executablePath ? { executablePath } : {})
	});

interface BenchApi {
	importCustomers(
		count: number
	): Promise<{ customers: number; rows: number; projectMs: number; commitMs: number }>;
	keystrokes(words: string[]): Promise<{ rows: number[]; counts: number[] }>;
	storeBigDocument(events: number): Promise<void>;
	openBigDocument(): Promise<{
		openMs: number;
		projectMs: number;
		events: number;
		storedRows: number;
	}>;
	customerName(index: number): string;
}
declare const bench: BenchApi;

try {
	let context = await launch();
	let page = context.pages()[0] ?? (await context.newPage());
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => document.title === 'ready');

	let figures: Awaited<ReturnType<BenchApi['importCustomers']>>;
	if (existsSync(imported)) {
		figures = JSON.parse(readFileSync(imported, 'utf8')) as typeof figures;
	} else {
		figures = await page.evaluate(
			(count) =>
				bench.importCustomers(count).catch((error: Error & { inner?: Error }) => {
					throw new Error(`${error.name}: ${error.message} ${error.inner?.message ?? ''}`);
				}),
			CUSTOMERS
		);
		await page.evaluate((events) => bench.storeBigDocument(events), DOCUMENT_EVENTS);
		writeFileSync(imported, JSON.stringify(figures));
	}
	const importRate = figures.rows / (figures.commitMs / 1000);
	const endToEndRate = figures.rows / ((figures.commitMs + figures.projectMs) / 1000);
	await context.close();

	// Cold starts: a new browser process each time, the data on disk from before.
	const firstRows: number[] = [];
	const sinceNavigation: number[] = [];
	const firstCounts: number[] = [];
	let listed = 0;
	for (let run = 0; run < COLD_STARTS; run++) {
		context = await launch();
		page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${origin}/cold`);
		const result = await page.evaluate(
			() =>
				(
					window as unknown as {
						firstRows: Promise<{
							ms: number;
							sinceNavigationMs: number;
							countMs: number;
							rows: number;
							count: number;
						}>;
					}
				).firstRows
		);
		firstRows.push(result.ms);
		firstCounts.push(result.countMs);
		sinceNavigation.push(result.sinceNavigationMs);
		listed = result.count;
		if (result.rows !== 50) throw new Error(`expected 50 first rows, got ${result.rows}`);
		await context.close();
	}

	context = await launch();
	page = context.pages()[0] ?? (await context.newPage());
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => document.title === 'ready');
	const words = await page.evaluate(() =>
		Array.from({ length: 40 }, (_, i) => bench.customerName((i * 2_477) % 100_000).slice(0, 10))
	);
	const typed = await page.evaluate((list) => bench.keystrokes(list), words);
	const keystrokes = typed.rows;
	const opens: Array<{ openMs: number; projectMs: number; events: number; storedRows: number }> =
		[];
	for (let run = 0; run < 5; run++) opens.push(await page.evaluate(() => bench.openBigDocument()));
	await context.close();

	const openMs = median(opens.map((o) => o.openMs));
	const openProjectMs = median(opens.map((o) => o.openMs + o.projectMs));
	console.log(`local_data.customers ${listed} rows`);
	console.log(`local_data.subscriptions ${CUSTOMERS * 3} rows`);
	console.log(`local_data.import_rows_per_s ${importRate.toFixed(0)} rows/s`);
	console.log(`local_data.import_with_projection_rows_per_s ${endToEndRate.toFixed(0)} rows/s`);
	console.log(`local_data.first_rows_cold_ms ${median(firstRows).toFixed(1)} ms`);
	console.log(
		`local_data.first_rows_cold_since_navigation_ms ${median(sinceNavigation).toFixed(1)} ms`
	);
	console.log(`local_data.keystroke_p50_ms ${percentile(keystrokes, 50).toFixed(2)} ms`);
	console.log(`local_data.keystroke_p99_ms ${percentile(keystrokes, 99).toFixed(2)} ms`);
	console.log(`local_data.keystroke_count_p50_ms ${percentile(typed.counts, 50).toFixed(2)} ms`);
	console.log(`local_data.keystroke_count_p99_ms ${percentile(typed.counts, 99).toFixed(2)} ms`);
	console.log(`local_data.first_count_cold_ms ${median(firstCounts).toFixed(1)} ms`);
	console.log(`local_data.document_open_ms ${openMs.toFixed(1)} ms`);
	console.log(`local_data.document_open_and_project_ms ${openProjectMs.toFixed(1)} ms`);
	console.log(
		`# ${listed.toLocaleString('en')} customers, ${(CUSTOMERS * 3).toLocaleString('en')} subscriptions (${figures.rows.toLocaleString('en')} read-model rows): ` +
			`import ${importRate.toFixed(0)} rows/s (target > 10,000; ${endToEndRate.toFixed(0)} incl. projection); ` +
			`first rows after a cold start ${median(firstRows).toFixed(0)} ms from opening the database, ${median(sinceNavigation).toFixed(0)} ms from navigation (target < 300 ms, median of ${COLD_STARTS} browser starts); ` +
			`keystroke (rows for the new filter) p50 ${percentile(keystrokes, 50).toFixed(1)} ms, p99 ${percentile(keystrokes, 99).toFixed(1)} ms over ${keystrokes.length} keystrokes (target p99 < 16 ms); ` +
			`exact count, shown when ready: p50 ${percentile(typed.counts, 50).toFixed(1)} ms, p99 ${percentile(typed.counts, 99).toFixed(1)} ms, ${median(firstCounts).toFixed(0)} ms at a cold start; ` +
			`open a ${opens[0]?.events.toLocaleString('en')}-event document (${opens[0]?.storedRows} stored update rows) ${openMs.toFixed(0)} ms, ${openProjectMs.toFixed(0)} ms with its projection (target < 150 ms)`
	);
} finally {
	server.close();
	if (!keptProfile) rmSync(profile, { recursive: true, force: true });
}
