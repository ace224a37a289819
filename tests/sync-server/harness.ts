// Test harness: a real sync server on 127.0.0.1:0 with a fresh data directory and the demo
// workspace, sign-in helpers, stock y-websocket clients and raw websocket clients.
// With TIERTWO_TEST_CLUSTER=1 (the `cluster` Vitest project) the same suites run against a
// cluster instead: real redis-server and postgres on free ports, two server instances sharing
// them (each its own store pool, bus connections, validator and hub: nothing shared but Redis and
// PostgreSQL), behind the round-robin proxy, so consecutive requests and connections land on
// different instances. `server` is then the first instance.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../../src/lib/domain/clock';
import { newId } from '../../sync-server/src/accounts/tokens';
import type { AccessPolicy } from '../../sync-server/src/authorize';
import {
	DEFAULT_LIMITS,
	readConfig,
	type ServerConfig,
	type ServerLimits
} from '../../sync-server/src/config';
import pg from 'pg';
import { inject } from 'vitest';
import { missingServices, startRedis } from '../../sync-server/src/cluster/local-services';
import { startRoundRobinProxy } from '../../sync-server/src/cluster/round-robin-proxy';
import { startServer, type RunningServer } from '../../sync-server/src/server';
import { messageRefused } from '../../sync-server/src/wire-format';

/** whether this run's suites go against a cluster (set by the `cluster` Vitest project) */
export const CLUSTER_MODE = process.env.TIERTWO_TEST_CLUSTER === '1';

export const DEMO_PASSWORD = 'tiertwo-demo';

export interface TestServerOptions {
	readonly limits?: Partial<ServerLimits>;
	readonly config?: Partial<ServerConfig>;
	readonly now?: () => number;
	readonly demo?: boolean;
	readonly dataDir?: string;
	/** the server's access policy (a test may wrap domainPolicy) */
	readonly policy?: AccessPolicy;
}

export interface Session {
	readonly cookie: string;
	readonly access: string;
	readonly refresh: string;
}

export interface TestServer {
	readonly server: RunningServer;
	/** every instance (one, or the cluster's) */
	readonly servers: readonly RunningServer[];
	readonly url: string;
	readonly syncUrl: string;
	readonly dataDir: string;
	signIn(email: string, password?: string): Promise<Session>;
	provider(
		name: string,
		session: Session,
		doc?: Y.Doc,
		origin?: string,
		params?: Record<string, string>
	): WebsocketProvider;
	socket(name: string, cookie: string | null, origin?: string): WebSocket;
	close(): Promise<void>;
}

/** A `ws` WebSocket that sends the given cookie and Origin, as a browser would. */
export function socketClass(cookie: string | null, origin: string): typeof globalThis.WebSocket {
	const Socket = class extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers: { ...(cookie ? { cookie } : {}), origin } });
		}
	};
	// y-websocket only needs the browser WebSocket surface, which ws implements.
	return Socket as unknown as typeof globalThis.WebSocket;
}

export function cookiesFrom(response: Response): Session {
	const jar = new Map<string, string>();
	for (const header of response.headers.getSetCookie()) {
		const [pair] = header.split(';');
		const eq = pair?.indexOf('=') ?? -1;
		if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
	}
	const access = jar.get('tt_access') ?? '';
	const refresh = jar.get('tt_refresh') ?? '';
	return { cookie: `tt_access=${access}`, access, refresh };
}

let clusterDatabases = 0;

/** A new database in the run's PostgreSQL (tests/sync-server/cluster-setup.ts), dropped after. */
async function newClusterDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const admin = inject('clusterPostgresUrl');
	const name = `cluster_${process.pid}_${(clusterDatabases += 1)}`;
	const run = async (sql: string) => {
		const client = new pg.Client({ connectionString: admin });
		await client.connect();
		try {
			await client.query(sql);
		} finally {
			await client.end();
		}
	};
	await run(`CREATE DATABASE ${name}`);
	return {
		url: admin.replace(/\/postgres$/, `/${name}`),
		drop: () => run(`DROP DATABASE ${name} WITH (FORCE)`)
	};
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
	const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tiertwo-sync-'));
	const base = readConfig(
		{
			DATA_DIR: dataDir,
			PORT: '0',
			HOST: '127.0.0.1',
			PASSWORD_HASH_LOG_N: '10',
			LOG_LEVEL: 'silent'
		},
		options.demo === false ? ['--no-demo'] : []
	);
	const config: ServerConfig = {
		...base,
		...options.config,
		limits: { ...DEFAULT_LIMITS, ...options.limits }
	};
	const serverOptions = {
		serveApp: false,
		log: pino({ level: 'silent' }),
		...(options.now ? { now: options.now } : {}),
		...(options.policy ? { policy: options.policy } : {})
	};
	let servers: RunningServer[];
	let url: string;
	let stopCluster = async () => {};
	if (CLUSTER_MODE && !options.dataDir) {
		const missing = missingServices();
		if (missing.length > 0) throw new Error(`cluster tests need ${missing.join(' and ')}`);
		const [redis, database] = await Promise.all([startRedis(), newClusterDatabase()]);
		const stopServices = async () => {
			await redis.stop();
			await database.drop();
		};
		const shared = {
			...config,
			databaseUrl: database.url,
			redisUrl: redis.url,
			trustProxy: true
		};
		try {
			// The first instance seeds the demo workspace; the second finds it there.
			servers = [await startServer(shared, serverOptions)];
			servers.push(await startServer(shared, serverOptions));
		} catch (error) {
			await stopServices();
			throw error;
		}
		const proxy = await startRoundRobinProxy(
			servers.map((s) => ({ host: '127.0.0.1', port: s.port }))
		);
		url = proxy.url;
		stopCluster = async () => {
			await proxy.close();
			await stopServices();
		};
	} else {
		servers = [await startServer(config, serverOptions)];
		url = servers[0]?.url ?? '';
	}
	const server = servers[0] as RunningServer;
	const syncUrl = `${url.replace(/^http/, 'ws')}/sync`;
	const providers = new Set<WebsocketProvider>();
	const sockets = new Set<WebSocket>();
	return {
		server,
		servers,
		url,
		syncUrl,
		dataDir,
		async signIn(email, password = DEMO_PASSWORD) {
			const response = await fetch(`${url}/api/auth/sign-in`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email, password })
			});
			if (response.status !== 200) {
				throw new Error(`sign-in of ${email} failed: ${response.status}`);
			}
			return cookiesFrom(response);
		},
		provider(name, session, doc = new Y.Doc(), origin = url, params = {}) {
			const provider = new WebsocketProvider(syncUrl, name, doc, {
				params,
				WebSocketPolyfill: socketClass(
					session.cookie,
					origin
				) as unknown as typeof globalThis.WebSocket,
				disableBc: true,
				maxBackoffTime: 200
			});
			providers.add(provider);
			return provider;
		},
		socket(name, cookie, origin = url) {
			const socket = new WebSocket(`${syncUrl}/${name}`, {
				headers: { ...(cookie ? { cookie } : {}), origin }
			});
			socket.binaryType = 'nodebuffer';
			socket.on('error', () => {});
			sockets.add(socket);
			return socket;
		},
		async close() {
			for (const provider of providers) {
				provider.destroy();
				// The provider's awareness keeps an interval running until its document is destroyed.
				provider.awareness.destroy();
				provider.doc.destroy();
			}
			for (const socket of sockets) socket.terminate();
			for (const running of servers) await running.close();
			await stopCluster();
			if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(
	condition: () => boolean,
	timeoutMs = 5000,
	what = 'condition'
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Like `waitFor`, for a condition that has to ask the store (or anything else async). */
export async function waitForAsync(
	condition: () => Promise<boolean>,
	timeoutMs = 5000,
	what = 'condition'
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

export function waitForSync(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
	return waitFor(() => provider.synced, timeoutMs, `sync of ${provider.roomname}`);
}

/** Resolves with the close code and reason of a provider's terminal (44xx) close. */
export function closedWith(provider: WebsocketProvider): Promise<{ code: number; reason: string }> {
	return new Promise((resolve) => {
		provider.on('closed', (event: { code: number; reason: string }) => resolve(event));
	});
}

/** Resolves with a raw socket's close code and reason. */
export function socketClosed(socket: WebSocket): Promise<{ code: number; reason: string }> {
	return new Promise((resolve) => {
		socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
	});
}

/**
 * Makes a stock client do what the app does when the server refuses its events for not landing at
 * the log's tail (sync_log_not_at_tail): in one transaction it deletes them and appends them again
 * at the tail of its document, then reconnects and sends the tombstones with the new tail items.
 */
export function rebaseOnRefusal(provider: WebsocketProvider): void {
	let refused = new Set<string>();
	const previous = provider.messageHandlers[messageRefused];
	provider.messageHandlers[messageRefused] = (encoder, decoder, ...rest) => {
		const peek = decoding.clone(decoder);
		refused = new Set(
			(JSON.parse(decoding.readVarString(peek)) as { eventIds: string[] }).eventIds
		);
		previous?.(encoder, decoder, ...rest);
	};
	provider.on('closed', ({ reason }: { reason: string }) => {
		if (reason !== 'sync_log_not_at_tail') return;
		moveToTail(provider.doc, refused);
		setTimeout(() => provider.connect(), 20);
	});
}

/** The rebase itself: these events' items are deleted and appended again, in one transaction. */
export function moveToTail(doc: Y.Doc, eventIds: ReadonlySet<string>): void {
	const log = doc.getArray<{ id?: unknown } | null>('log');
	doc.transact(() => {
		const entries = log.toArray();
		const at = entries.flatMap((entry, index) =>
			typeof entry?.id === 'string' && eventIds.has(entry.id) ? [index] : []
		);
		for (const index of [...at].reverse()) log.delete(index, 1);
		log.push(at.map((index) => entries[index] ?? null));
	});
}

const clock = new HybridLogicalClock('test-client');

/** A domain event as the app would append it. */
export function event(
	type: string,
	by: { userId: string; orgId: string },
	payload: Record<string, unknown>
): Record<string, unknown> {
	return { id: newId(), type, at: clock.now(Date.now()), by, payload };
}

export function tenantUserAdded(by: { userId: string; orgId: string }, name = 'Pat Example') {
	const id = newId();
	return event('tenantUser.added', by, {
		tenantUserId: id,
		displayName: name,
		userName: `${id.slice(0, 8)}@wingtip.example`
	});
}

export const CONTOSO_ADMIN = { userId: 'contoso-admin', orgId: 'contoso' };
export const CONTOSO_SALES = { userId: 'contoso-sales', orgId: 'contoso' };
export const WINGTIP_ADMIN = { userId: 'wingtip-admin', orgId: 'wingtip' };

/**
 * A crafted update whose cost grows with the square of its size: `n` one-element items of one
 * client that Yjs integrates one by one and then merges (each merge copies the array so far).
 * 20,000 items are 200 KB on the wire and seconds (and gigabytes) of work to apply.
 */
export function quadraticUpdate(n: number, rootKey = 'notes'): Uint8Array {
	const e = encoding.createEncoder();
	const client = 424242;
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, n);
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, 0);
	for (let i = 0; i < n; i += 1) {
		const contentAny = 8;
		if (i === 0) {
			encoding.writeUint8(e, contentAny);
			encoding.writeVarUint(e, 1);
			encoding.writeVarString(e, rootKey);
		} else {
			encoding.writeUint8(e, contentAny | 0x80);
			encoding.writeVarUint(e, client);
			encoding.writeVarUint(e, i - 1);
		}
		encoding.writeVarUint(e, 1);
		encoding.writeAny(e, 'x');
	}
	encoding.writeVarUint(e, 0);
	return encoding.toUint8Array(e);
}

/** One struct of a crafted update (see `craftedUpdate`). */
export type CraftedStruct =
	| { readonly kind: 'gc' | 'skip'; readonly length: number }
	/** an item of deleted content (its text not sent) in the top-level type `root` */
	| { readonly kind: 'deleted'; readonly length: number; readonly root: string };

/**
 * A hand-encoded update (Yjs v1 format) of `client`'s structs from `clock` on, with an empty delete
 * set: GC and Skip structs, and deleted items, which no honest editing API sends for another client.
 */
export function craftedUpdate(
	client: number,
	clock: number,
	structs: readonly CraftedStruct[]
): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, structs.length);
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
	for (const struct of structs) {
		if (struct.kind === 'deleted') {
			const contentDeleted = 1;
			encoding.writeUint8(e, contentDeleted);
			encoding.writeVarUint(e, 1);
			encoding.writeVarString(e, struct.root);
		} else encoding.writeUint8(e, struct.kind === 'gc' ? 0 : 10);
		encoding.writeVarUint(e, struct.length);
	}
	encoding.writeVarUint(e, 0);
	return encoding.toUint8Array(e);
}

export interface ServerProcess {
	readonly child: ChildProcess;
	readonly url: string;
	readonly port: number;
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs sync-server/src/main.ts in a process of its own (to be killed, even with SIGKILL) with `env`
 * over this one's; resolves once it listens. `children` holds it until it exits.
 */
export async function spawnServerProcess(
	env: Record<string, string>,
	children: Set<ChildProcess>
): Promise<ServerProcess> {
	const root = path.resolve(import.meta.dirname, '..', '..');
	const child = spawn(
		process.execPath,
		['--import', 'tsx', path.join(root, 'sync-server/src/main.ts')],
		{
			cwd: root,
			env: { ...process.env, PORT: '0', PASSWORD_HASH_LOG_N: '10', LOG_LEVEL: 'warn', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	children.add(child);
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.on('exit', (code, signal) => {
			children.delete(child);
			resolve({ code, signal });
		})
	);
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		let err = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /running at (http:\/\/[^\s]+)/.exec(out);
			if (match?.[1]) resolve(match[1]);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			err += chunk.toString();
		});
		child.on('exit', () => reject(new Error(`server exited early: ${err}`)));
	});
	return { child, url, port: Number(new URL(url).port), exited };
}
