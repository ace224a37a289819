// Starts throwaway Redis and PostgreSQL servers from the machine's packages, on 127.0.0.1 on free
// ports, in a temporary directory: for `npm run start:cluster`, the cluster tests and the bench.
// PostgreSQL refuses to run as root; as root it runs as `nobody` (setpriv execs it directly, so
// the child is the postmaster itself and stopping it is an ordinary signal).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

export interface LocalService {
	readonly url: string;
	readonly port: number;
	stop(): Promise<void>;
}

export const INSTALL_HINT =
	'Install them from the distribution packages, e.g. `apt-get install redis-server postgresql` ' +
	'(Debian/Ubuntu) or `brew install redis postgresql` (macOS).';

function onPath(name: string): string | null {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		const full = path.join(dir, name);
		if (dir && existsSync(full)) return full;
	}
	return null;
}

/** A PostgreSQL program (initdb, postgres): on PATH or in the newest /usr/lib/postgresql/N/bin. */
export function postgresBinary(name: 'initdb' | 'postgres'): string | null {
	const found = onPath(name);
	if (found) return found;
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return null;
	const versions = readdirSync(base)
		.filter((v) => /^\d+$/.test(v))
		.sort((a, b) => Number(b) - Number(a));
	for (const version of versions) {
		const full = path.join(base, version, 'bin', name);
		if (existsSync(full)) return full;
	}
	return null;
}

export function redisBinary(): string | null {
	return (
		onPath('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null)
	);
}

/** The servers this machine lacks, by program name (empty when both can start). */
export function missingServices(): string[] {
	const missing: string[] = [];
	if (!redisBinary()) missing.push('redis-server');
	if (!postgresBinary('initdb') || !postgresBinary('postgres')) missing.push('postgres (initdb)');
	return missing;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
	what: string,
	timeoutMs: number,
	probe: () => Promise<boolean>
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await probe().catch(() => false)) return;
		await sleep(100);
	}
	throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

/** The servers this process started and has not seen exit (one exit listener for them all). */
const running = new Set<ChildProcess>();

/** Never leaves a database behind if this process exits without stopping it. */
function killOnExit(child: ChildProcess): void {
	if (running.size === 0) process.once('exit', killRunning);
	running.add(child);
	child.once('exit', () => {
		running.delete(child);
		if (running.size === 0) process.off('exit', killRunning);
	});
}

function killRunning(): void {
	for (const child of running) child.kill('SIGKILL');
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 10_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill(signal);
	});
}

function output(child: ChildProcess): () => string {
	let text = '';
	const keep = (chunk: Buffer) => {
		text = (text + chunk.toString()).slice(-4000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return () => text;
}

/** A new temporary directory (in the system's, which every user may enter), removed on stop. */
function tempDir(prefix: string): string {
	return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startRedis(): Promise<LocalService> {
	const binary = redisBinary();
	if (!binary) throw new Error(`redis-server is not installed. ${INSTALL_HINT}`);
	const dir = tempDir('tiertwo-redis-');
	const port = await freePort();
	const child = spawn(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir
		],
		// Its own process group: a terminal's Ctrl-C reaches the launcher, which stops it last.
		{ stdio: ['ignore', 'pipe', 'pipe'], detached: true }
	);
	killOnExit(child);
	const log = output(child);
	const url = `redis://127.0.0.1:${port}`;
	try {
		await until('redis-server', 15_000, async () => {
			if (child.exitCode !== null) throw new Error(`redis-server exited: ${log()}`);
			const client = new Redis(url, {
				lazyConnect: true,
				maxRetriesPerRequest: 0,
				retryStrategy: () => null
			});
			client.on('error', () => {});
			try {
				await client.connect();
				return (await client.ping()) === 'PONG';
			} finally {
				client.disconnect();
			}
		});
	} catch (error) {
		child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${log()}`);
	}
	return {
		url,
		port,
		async stop() {
			await stopChild(child, 'SIGTERM');
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** uid/gid of `nobody`, to run PostgreSQL unprivileged when we are root */
function nobody(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	const uid = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) {
		throw new Error('running as root and there is no user `nobody` to run PostgreSQL as');
	}
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface PostgresSettings {
	/** extra `-c name=value` settings (tests turn fsync off: a killed server process is what they test) */
	readonly settings?: Record<string, string>;
}

export async function startPostgres(options: PostgresSettings = {}): Promise<LocalService> {
	const initdb = postgresBinary('initdb');
	const postgres = postgresBinary('postgres');
	if (!initdb || !postgres) throw new Error(`PostgreSQL is not installed. ${INSTALL_HINT}`);
	const dir = tempDir('tiertwo-postgres-');
	const user = nobody();
	const as = (program: string, args: string[]): [string, string[]] =>
		user
			? [
					'setpriv',
					[`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', program, ...args]
				]
			: [program, args];
	if (user) chownSync(dir, user.uid, user.gid);
	const dataDir = path.join(dir, 'data');
	const [initProgram, initArgs] = as(initdb, [
		'-D',
		dataDir,
		'-U',
		'tiertwo',
		'--auth=trust',
		'-E',
		'UTF8',
		'--no-sync',
		'--no-instructions'
	]);
	const init = spawnSync(initProgram, initArgs, { encoding: 'utf8', cwd: dir });
	if (init.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
	}
	const port = await freePort();
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: dir,
		max_connections: '200',
		...options.settings
	};
	const [program, args] = as(postgres, [
		'-D',
		dataDir,
		'-p',
		String(port),
		...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])
	]);
	const child = spawn(program, args, {
		stdio: ['ignore', 'pipe', 'pipe'],
		cwd: dir,
		detached: true
	});
	killOnExit(child);
	const log = output(child);
	const url = `postgres://tiertwo@127.0.0.1:${port}/postgres`;
	try {
		await until('postgres', 30_000, async () => {
			if (child.exitCode !== null) throw new Error(`postgres exited: ${log()}`);
			const client = new pg.Client({ connectionString: url });
			client.on('error', () => {});
			try {
				await client.connect();
				await client.query('SELECT 1');
				return true;
			} finally {
				await client.end().catch(() => undefined);
			}
		});
	} catch (error) {
		child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${log()}`);
	}
	return {
		url,
		port,
		async stop() {
			// SIGINT: PostgreSQL's "fast" shutdown (disconnects clients, checkpoints, exits).
			await stopChild(child, 'SIGINT', 20_000);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** Both servers, each in its own temporary directory, removed again by `stop`. */
export async function startLocalServices(
	options: PostgresSettings = {}
): Promise<{ redis: LocalService; postgres: LocalService; stop(): Promise<void> }> {
	const [redis, postgres] = await Promise.all([startRedis(), startPostgres(options)]);
	return {
		redis,
		postgres,
		async stop() {
			await Promise.all([redis.stop(), postgres.stop()]);
		}
	};
}
