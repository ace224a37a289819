// Starts and stops a private copy of the real server, for tests that must stop it or swap its build.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	cpSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bundleServer } from '../../sync-server/bin/bundle.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DEFAULT_BUILD_DIR = path.join(ROOT, 'build');

export interface AppServer {
	url: string;
	port: number;
	dataDir: string;
	stop(): Promise<void>;
	/** Stops the server process and starts a new one on the same port and data directory. */
	restart(): Promise<void>;
	/** What the server processes printed so far (every restart's, in order). */
	output(): string;
	/** The server process's id (for benches that read its memory and CPU time). */
	pid(): number | undefined;
}

/** A port that was free a moment ago (the server binds it right after). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() =>
				typeof address === 'object' && address
					? resolve(address.port)
					: reject(new Error('no port'))
			);
		});
	});
}

let dataRoot: string | undefined;

/** A new, empty data directory; all of a process's are removed when it exits. */
export function newDataDir(): string {
	if (!dataRoot) {
		const root = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-e2e-data-'));
		process.once('exit', () => rmSync(root, { recursive: true, force: true }));
		dataRoot = root;
	}
	return mkdtempSync(path.join(dataRoot, 'data-'));
}

let seeded: Promise<string> | undefined;

/**
 * A new data directory holding the demo workspace exactly as a first start seeds it: a copy of one
 * seeded once per process (a Playwright worker). A server starts on a copy in 1.6 s against 2.7 s
 * seeding its own. Only for servers with the default demo (no extra seeding environment).
 */
export async function seededDataDir(): Promise<string> {
	seeded ??= (async () => {
		const dir = newDataDir();
		const server = await startAppServer({ port: await freePort(), dataDir: dir });
		await server.stop();
		return dir;
	})();
	const copy = newDataDir();
	cpSync(await seeded, copy, { recursive: true });
	return copy;
}

function hasExited(child: ChildProcess): boolean {
	return child.exitCode !== null || child.signalCode !== null;
}

async function waitForHealth(
	url: string,
	child: ChildProcess,
	log: () => string,
	timeoutMs = 30_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (hasExited(child)) throw new Error(`server exited early:\n${log()}`);
		try {
			const response = await fetch(`${url}/health`, { cache: 'no-store' });
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`server did not answer /health within ${timeoutMs / 1000} s:\n${log()}`);
}

let bundled: Promise<string> | undefined;

/**
 * Runs the sync server (bundled once per process from sync-server/src, as `npm start` runs it)
 * serving `appDir` on `port` with `dataDir` (reused across restarts).
 */
export async function startAppServer(options: {
	port: number;
	dataDir: string;
	appDir?: string;
	/** more environment for the server (e.g. TIERTWO_DEMO_CUSTOMERS) */
	env?: Record<string, string>;
	/** how long its first start may take (seeding thousands of customers takes a while) */
	startTimeoutMs?: number;
}): Promise<AppServer> {
	const { port, dataDir, appDir = DEFAULT_BUILD_DIR, env = {}, startTimeoutMs } = options;
	const url = `http://localhost:${port}`;
	let printed = '';
	bundled ??= bundleServer();
	const main = path.join(await bundled, 'main.js');
	const spawnServer = async (): Promise<ChildProcess> => {
		let output = '';
		const child = spawn(process.execPath, [main], {
			cwd: ROOT,
			env: { ...process.env, ...env, PORT: String(port), DATA_DIR: dataDir, APP_DIR: appDir },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const record = (chunk: Buffer) => {
			output += chunk.toString();
			printed += chunk.toString();
		};
		child.stdout?.on('data', record);
		child.stderr?.on('data', record);
		await waitForHealth(url, child, () => output, startTimeoutMs);
		return child;
	};
	const stopServer = (child: ChildProcess) =>
		new Promise<void>((resolve) => {
			if (hasExited(child)) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
		});
	let child = await spawnServer();
	return {
		url,
		port,
		dataDir,
		stop: () => stopServer(child),
		output: () => printed,
		pid: () => child.pid,
		async restart() {
			await stopServer(child);
			child = await spawnServer();
		}
	};
}

/** The label a build shows in Settings > About (SvelteKit's version name). */
export function buildLabel(buildDir: string): string {
	const file = path.join(buildDir, '_app', 'version.json');
	return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * A second release made from the built app `fromDir` in `outDir`: the same code under another label,
 * as a new build of it would be (a `vite build` here costs a worker half a minute). Every hashed
 * file whose bytes change (the one that holds the label, then each file naming a renamed one) gets
 * a new name, and the service worker's precache list follows, so browsers fetch the new files and
 * see a new service worker; files under fixed names that change get a new revision there.
 */
export function deriveRelease(fromDir: string, outDir: string, label: string): void {
	const oldLabel = buildLabel(fromDir);
	cpSync(fromDir, outDir, { recursive: true });
	const files = (readdirSync(outDir, { recursive: true }) as string[])
		.map((file) => path.join(outDir, file))
		.filter((file) => statSync(file).isFile() && /\.(js|css|html|json|webmanifest)$/.test(file));
	const text = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
	const hashed = files.filter((file) => file.includes(`${path.sep}immutable${path.sep}`));
	const quoted = JSON.stringify(oldLabel);
	const referTo = (name: string) =>
		new RegExp(`/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`, 'g');
	// What changes: the label's holder, then every hashed file naming a changed one, until none.
	const renamed = new Map<string, string>();
	let grew = true;
	while (grew) {
		grew = false;
		for (const file of hashed) {
			if (renamed.has(file)) continue;
			const body = text.get(file) ?? '';
			const changes =
				body.includes(quoted) ||
				[...renamed.keys()].some((other) => referTo(path.basename(other)).test(body));
			if (!changes) continue;
			const base = path.basename(file);
			const at = base.lastIndexOf('.');
			renamed.set(file, `${base.slice(0, at)}b${base.slice(at)}`);
			grew = true;
		}
	}
	const revisions: [string, string][] = [];
	for (const file of files) {
		let body = (text.get(file) ?? '').replaceAll(quoted, JSON.stringify(label));
		for (const [old, name] of renamed) body = body.replace(referTo(path.basename(old)), `/${name}`);
		if (body === text.get(file)) continue;
		const relative = path.relative(outDir, file).split(path.sep).join('/');
		const revision = createHash('md5').update(body).digest('hex');
		revisions.push([relative, revision]);
		const name = renamed.get(file);
		if (name) rmSync(file);
		writeFileSync(name ? path.join(path.dirname(file), name) : file, body);
	}
	// The service worker (written last, with the new names already in it) names the new revisions.
	const worker = path.join(outDir, 'service-worker.js');
	let code = readFileSync(worker, 'utf8');
	for (const [url, revision] of revisions) {
		code = code.replace(
			new RegExp(`"revision":"[0-9a-f]+","url":"${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`),
			`"revision":"${revision}","url":"${url}"`
		);
	}
	writeFileSync(worker, code);
}
