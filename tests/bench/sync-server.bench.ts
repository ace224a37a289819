// Sync server bench: N = 100, 500, 1,000 y-websocket connections (tests/bench/edit-load.ts) on 100
// documents, against our server (auth, validation, durable writes) and a plain reference relay
// (y-protocols, nothing else) in the same run. Prints `name value [unit]` lines: connections held,
// edit-to-peer latency p50/p99 at an offered rate, delivered edits per second with 8 in flight per
// document, CPU of server and clients, server RSS per document and per connection, and ratios.
//   node --import tsx tests/bench/sync-server.bench.ts        (or: npm run bench -- sync-server)
//   BENCH_CLIENTS=3000 …                                       (3,000 connections on one process)
//   BENCH_CLIENTS=3000 BENCH_DOCUMENTS=1000 …                  (rooms spread out: 3 per document)
//   BENCH_EDITS_PER_S=2000 …                                   (latency phase at 2,000 edits/s)
//   BENCH_CLIENTS=1500 BENCH_DOCUMENTS=1 …                     (1,500 clients on one document)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { seedBenchWorkspace, signIn } from './bench-workspace';
import { EditLoad } from './edit-load';

const MAX_DOCUMENTS = 100;
/** a fixed number of documents (1: the crowded-document case; 1000: rooms spread out) */
const FIXED_DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 0);
/** 100 documents, but at least two clients on each so every edit has a peer (N=100: 50). */
const documentsFor = (clients: number) =>
	FIXED_DOCUMENTS > 0 ? FIXED_DOCUMENTS : Math.min(MAX_DOCUMENTS, Math.floor(clients / 2));
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '100,500,1000').split(',').map(Number);
/** latency phase: edits per second offered by all clients together (default: one per client per 5 s) */
const EDITS_PER_S = process.env.BENCH_EDITS_PER_S ? Number(process.env.BENCH_EDITS_PER_S) : null;
const LATENCY_PHASE_MS = Number(process.env.BENCH_LATENCY_MS ?? 8000);
const THROUGHPUT_PHASE_MS = Number(process.env.BENCH_THROUGHPUT_MS ?? 5000);
/** BENCH_PROFILE=<dir> profiles this phase: throughput (default) or latency */
const PROFILE_PHASE = process.env.BENCH_PROFILE_PHASE ?? 'throughput';
/** throughput phase: edits in flight per document */
const WINDOW = 8;

const self = import.meta.filename;
const mode = process.argv[2];

// ---------------------------------------------------------------------------------------------
// Child mode 1: the reference relay, a plain y-websocket server: no auth, validation or storage.

function serveReference(): void {
	const docs = new Map<
		string,
		{ doc: Y.Doc; awareness: awarenessProtocol.Awareness; conns: Set<WebSocket> }
	>();
	const room = (name: string) => {
		let entry = docs.get(name);
		if (!entry) {
			const doc = new Y.Doc();
			const awareness = new awarenessProtocol.Awareness(doc);
			awareness.setLocalState(null);
			const conns = new Set<WebSocket>();
			doc.on('update', (update: Uint8Array) => {
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, 0);
				syncProtocol.writeUpdate(e, update);
				const message = encoding.toUint8Array(e);
				for (const conn of conns) conn.send(message);
			});
			awareness.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, 1);
				encoding.writeVarUint8Array(
					e,
					awarenessProtocol.encodeAwarenessUpdate(awareness, [
						...(added ?? []),
						...(updated ?? []),
						...(removed ?? [])
					])
				);
				const message = encoding.toUint8Array(e);
				for (const conn of conns) conn.send(message);
			});
			entry = { doc, awareness, conns };
			docs.set(name, entry);
		}
		return entry;
	};
	const server = http.createServer();
	const wss = new WebSocketServer({ server, perMessageDeflate: false });
	wss.on('connection', (conn, req) => {
		const { doc, awareness, conns } = room((req.url ?? '/').slice(1));
		conns.add(conn);
		conn.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			const encoder = encoding.createEncoder();
			const type = decoding.readVarUint(decoder);
			if (type === 0) {
				encoding.writeVarUint(encoder, 0);
				syncProtocol.readSyncMessage(decoder, encoder, doc, conn);
				if (encoding.length(encoder) > 1) conn.send(encoding.toUint8Array(encoder));
			} else if (type === 1) {
				awarenessProtocol.applyAwarenessUpdate(
					awareness,
					decoding.readVarUint8Array(decoder),
					conn
				);
			}
		});
		conn.on('close', () => conns.delete(conn));
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 0);
		syncProtocol.writeSyncStep1(e, doc);
		conn.send(encoding.toUint8Array(e));
	});
	server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
}

// Child mode 2: our server on a prepared data directory, limits raised for one loopback address.

async function serveOurs(dataDir: string): Promise<void> {
	const { DEFAULT_LIMITS, readConfig } = await import('../../sync-server/src/config');
	const { startServer } = await import('../../sync-server/src/server');
	const config = readConfig({ DATA_DIR: dataDir, PORT: '0', PASSWORD_HASH_LOG_N: '10' }, [
		'--no-demo'
	]);
	const server = await startServer(
		{
			...config,
			limits: { ...DEFAULT_LIMITS, maxConnectionsPerAddress: 10_000, maxConnectionsPerUser: 10_000 }
		},
		{ serveApp: false, log: pino({ level: 'warn' }) }
	);
	process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
	announce(server.port);
}

function announce(port: number): void {
	let session: Session | null = null;
	process.on('message', (message) => {
		// BENCH_PROFILE=<dir>: a CPU profile of the throughput phase, for finding the next bottleneck.
		if (message === 'profile-start' && process.env.BENCH_PROFILE) {
			session = new Session();
			session.connect();
			session.post('Profiler.enable', () => session?.post('Profiler.start'));
		}
		if (message === 'profile-stop' && session) {
			session.post('Profiler.stop', (_error, result) => {
				writeFileSync(
					`${process.env.BENCH_PROFILE}/main-${process.pid}.cpuprofile`,
					JSON.stringify(result.profile)
				);
			});
		}
		if (message === 'rss') {
			(globalThis as { gc?: () => void }).gc?.();
			const cpu = process.cpuUsage();
			process.send?.({ rss: process.memoryUsage().rss, cpuMs: (cpu.user + cpu.system) / 1000 });
		}
	});
	console.log(`listening ${port}`);
}

// ---------------------------------------------------------------------------------------------
// Driver.

interface Child {
	readonly process: ChildProcess;
	readonly port: number;
	rss(): Promise<number>;
	cpuMs(): Promise<number>;
	stop(): Promise<void>;
}

async function spawnChild(args: string[]): Promise<Child> {
	const profile: string[] = [];
	const child = spawn(
		process.execPath,
		['--expose-gc', ...profile, '--import', 'tsx', self, ...args],
		{
			stdio: ['ignore', 'pipe', 'inherit', 'ipc']
		}
	);
	const port = await new Promise<number>((resolve, reject) => {
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /listening (\d+)/.exec(out);
			if (match) resolve(Number(match[1]));
		});
		child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
	});
	return {
		process: child,
		port,
		rss: () =>
			new Promise((resolve) => {
				child.once('message', (m: { rss: number }) => resolve(m.rss));
				child.send('rss');
			}),
		cpuMs: () =>
			new Promise((resolve) => {
				child.once('message', (m: { cpuMs: number }) => resolve(m.cpuMs));
				child.send('rss');
			}),
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

interface Run {
	p50: number;
	p99: number;
	/** edits per second offered during the latency phase */
	offered: number;
	throughput: number;
	/** connections open and synced before the phases */
	held: number;
	/** CPU cores busy during the throughput phase (server process, bench clients) */
	serverCpu: number;
	driverCpu: number;
	rssPerDocument: number;
	rssPerConnection: number;
	closed: Map<string, number>;
}

async function runAgainst(
	kind: 'ours' | 'reference',
	clients: number,
	dataDir: string
): Promise<Run> {
	const documents = documentsFor(clients);
	const child =
		kind === 'ours'
			? await spawnChild(['serve-ours', dataDir])
			: await spawnChild(['serve-reference']);
	const cookies =
		kind === 'ours'
			? await Promise.all(Array.from({ length: documents }, (_, d) => signIn(child.port, d)))
			: [];
	const origin = `http://127.0.0.1:${child.port}`;
	const url =
		kind === 'ours' ? `ws://127.0.0.1:${child.port}/sync` : `ws://127.0.0.1:${child.port}`;
	const load = new EditLoad({
		clients,
		documents,
		endpoint: (_i, d) => {
			const cookie = cookies[d];
			return { url, headers: { origin, ...(cookie ? { cookie } : {}) }, process: 0 };
		}
	});

	const base = await child.rss();
	// One client per document first: the documents' own memory.
	await load.connect(0, documents);
	const withDocs = await child.rss();
	await load.connect(documents, clients);
	await new Promise((r) => setTimeout(r, 500));
	const withClients = await child.rss();
	const held = load.held;

	if (PROFILE_PHASE === 'latency') child.process.send('profile-start');
	const latency = await load.latency(LATENCY_PHASE_MS, EDITS_PER_S ?? clients / 5);
	if (PROFILE_PHASE === 'latency') child.process.send('profile-stop');

	if (PROFILE_PHASE === 'throughput') child.process.send('profile-start');
	const serverCpuBefore = await child.cpuMs();
	const driverCpuBefore = process.cpuUsage();
	const started = performance.now();
	const throughput = await load.throughput(THROUGHPUT_PHASE_MS, WINDOW);
	const elapsed = performance.now() - started;
	if (PROFILE_PHASE === 'throughput') child.process.send('profile-stop');
	const serverCpu = ((await child.cpuMs()) - serverCpuBefore) / elapsed;
	const driverUsage = process.cpuUsage(driverCpuBefore);
	const driverCpu = (driverUsage.user + driverUsage.system) / 1000 / elapsed;
	const closed = load.closed();
	load.close();
	await child.stop();
	return {
		p50: latency.p50,
		p99: latency.p99,
		offered: latency.offered,
		throughput,
		held,
		serverCpu,
		driverCpu,
		rssPerDocument: (withDocs - base) / documents,
		rssPerConnection: (withClients - withDocs) / (clients - documents),
		closed
	};
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function drive(): Promise<void> {
	// Every WebsocketProvider registers a process exit handler.
	process.setMaxListeners(0);
	for (const clients of CLIENT_COUNTS) {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-bench-'));
		try {
			await seedBenchWorkspace({ DATA_DIR: dataDir }, documentsFor(clients));
			const ours = await runAgainst('ours', clients, dataDir);
			const reference = process.env.BENCH_ONLY_OURS
				? ours
				: await runAgainst('reference', clients, dataDir);
			const tag = `sync.n${clients}`;
			console.log(`${tag}.documents ${documentsFor(clients)}`);
			for (const [name, run] of [
				['ours', ours],
				['reference', reference]
			] as const) {
				console.log(`${tag}.${name}.connections_held ${run.held}`);
				console.log(`${tag}.${name}.latency_phase_edits_per_s ${fmt(run.offered, 0)}`);
				for (const [reason, count] of run.closed) {
					console.log(`${tag}.${name}.closed ${count} (${reason})`);
				}
			}
			console.log(`${tag}.ours.edit_to_peer_p50 ${fmt(ours.p50, 2)} ms`);
			console.log(`${tag}.ours.edit_to_peer_p99 ${fmt(ours.p99, 2)} ms`);
			console.log(`${tag}.ours.delivered_edits_per_s ${fmt(ours.throughput, 0)}`);
			console.log(`${tag}.ours.server_cpu_cores ${fmt(ours.serverCpu, 2)}`);
			console.log(`${tag}.ours.clients_cpu_cores ${fmt(ours.driverCpu, 2)}`);
			console.log(`${tag}.ours.rss_per_document ${fmt(ours.rssPerDocument / 1024)} KiB`);
			console.log(`${tag}.ours.rss_per_connection ${fmt(ours.rssPerConnection / 1024)} KiB`);
			console.log(`${tag}.reference.edit_to_peer_p50 ${fmt(reference.p50, 2)} ms`);
			console.log(`${tag}.reference.edit_to_peer_p99 ${fmt(reference.p99, 2)} ms`);
			console.log(`${tag}.reference.delivered_edits_per_s ${fmt(reference.throughput, 0)}`);
			console.log(`${tag}.reference.server_cpu_cores ${fmt(reference.serverCpu, 2)}`);
			console.log(`${tag}.reference.clients_cpu_cores ${fmt(reference.driverCpu, 2)}`);
			console.log(`${tag}.reference.rss_per_document ${fmt(reference.rssPerDocument / 1024)} KiB`);
			console.log(
				`${tag}.reference.rss_per_connection ${fmt(reference.rssPerConnection / 1024)} KiB`
			);
			console.log(`${tag}.ratio.p99 ${fmt(ours.p99 / reference.p99, 2)}`);
			console.log(`${tag}.ratio.throughput ${fmt(ours.throughput / reference.throughput, 2)}`);
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	}
	console.log(`sync.machine ${os.cpus().length}x ${os.cpus()[0]?.model ?? 'cpu'}`);
}

if (mode === 'serve-reference') serveReference();
else if (mode === 'serve-ours') await serveOurs(process.argv[3] ?? '');
else await drive();
