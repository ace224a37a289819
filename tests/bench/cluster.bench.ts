// Cluster bench: one, two and three sync server processes sharing PostgreSQL and Redis (started
// here from the machine's packages, default settings: fsync on), with 1,000 and 3,000 stock
// y-websocket clients on 100 documents. Clients are spread over the processes round-robin (as a
// load balancer would), so most edits cross processes (store, then Redis, then the other process).
// Prints `name value [unit]` lines: connections held, accepted updates per second (an edit counts
// once a peer of its document has it), edit-to-peer latency p50/p99.
//   node --import tsx tests/bench/cluster.bench.ts      (or: npm run bench cluster)
//   BENCH_CLIENTS=1000 BENCH_PROCESSES=1,3 … to run a subset
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { missingServices, startLocalServices } from '../../sync-server/src/cluster/local-services';
import {
	type BenchClient,
	customerId,
	edit,
	percentile,
	seedBenchWorkspace,
	signIn
} from './bench-workspace';

const DOCUMENTS = 100;
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '1000,3000').split(',').map(Number);
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? '1,2,3').split(',').map(Number);
/** latency phase: each client makes one edit every this many ms on average */
const EDIT_INTERVAL_MS = 5000;
const LATENCY_PHASE_MS = Number(process.env.BENCH_LATENCY_MS ?? 8000);
const THROUGHPUT_PHASE_MS = Number(process.env.BENCH_THROUGHPUT_MS ?? 5000);
/** throughput phase: edits in flight per document */
const WINDOW = 8;

const self = import.meta.filename;

// ---------------------------------------------------------------------------------------------
// Child mode: one cluster member (DATABASE_URL and REDIS_URL from the environment).

async function serve(): Promise<void> {
	const { DEFAULT_LIMITS, readConfig } = await import('../../sync-server/src/config');
	const { startServer } = await import('../../sync-server/src/server');
	const config = readConfig({ ...process.env, PORT: '0', PASSWORD_HASH_LOG_N: '10' }, [
		'--no-demo'
	]);
	const server = await startServer(
		{
			...config,
			limits: {
				...DEFAULT_LIMITS,
				maxConnectionsPerAddress: 100_000,
				maxConnectionsPerUser: 10_000
			}
		},
		{ serveApp: false, log: pino({ level: 'warn' }) }
	);
	process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
	console.log(`listening ${server.port}`);
}

// ---------------------------------------------------------------------------------------------
// Driver.

interface Member {
	readonly child: ChildProcess;
	readonly port: number;
	stop(): Promise<void>;
}

async function spawnMember(env: NodeJS.ProcessEnv): Promise<Member> {
	const child = spawn(process.execPath, ['--import', 'tsx', self, 'serve'], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const port = await new Promise<number>((resolve, reject) => {
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			const match = /listening (\d+)/.exec(out);
			if (match) resolve(Number(match[1]));
		});
		child.on('exit', (code) => reject(new Error(`member exited ${code}`)));
	});
	return {
		child,
		port,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

const sentAt = new Map<string, number>();
const latencies: number[] = [];
let recording = false;
const onDelivered = new Map<string, () => void>();

interface Run {
	held: number;
	p50: number;
	p99: number;
	throughput: number;
}

async function run(processes: number, clients: number, env: NodeJS.ProcessEnv): Promise<Run> {
	const members: Member[] = [];
	for (let i = 0; i < processes; i += 1) members.push(await spawnMember(env));
	const ports = members.map((m) => m.port);
	// Sessions are shared: each admin signs in once, on any process.
	const cookies = await Promise.all(
		Array.from({ length: DOCUMENTS }, (_, d) => signIn(ports[d % ports.length] ?? 0, d))
	);
	const list: BenchClient[] = [];
	const connect = (i: number): BenchClient => {
		const d = i % DOCUMENTS;
		// A document's clients take turns over the processes: its edits cross processes.
		const port = ports[Math.floor(i / DOCUMENTS) % ports.length] ?? 0;
		const origin = `http://127.0.0.1:${port}`;
		const cookie = cookies[d] ?? '';
		const Polyfill = class extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols, { headers: { origin, cookie }, perMessageDeflate: false });
			}
		};
		const doc = new Y.Doc();
		const provider = new WebsocketProvider(
			`ws://127.0.0.1:${port}/sync`,
			`customer/${customerId(d)}`,
			doc,
			{ WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket, disableBc: true }
		);
		const client = { d, doc, provider };
		const designated = !list.some((c) => c.d === d);
		doc.getArray('log').observe((event) => {
			if (event.transaction.local) return;
			const now = performance.now();
			for (const item of event.changes.added) {
				for (const value of item.content.getContent() as { id?: string }[]) {
					const started = value.id ? sentAt.get(value.id) : undefined;
					if (started === undefined) continue;
					if (recording) latencies.push(now - started);
					if (designated) onDelivered.get(value.id ?? '')?.();
				}
			}
		});
		list.push(client);
		return client;
	};
	// Bounded: clients a saturated cluster cannot take count as not held.
	const waitSynced = async (subset: BenchClient[], timeoutMs = 10_000) => {
		const deadline = Date.now() + timeoutMs;
		while (!subset.every((c) => c.provider.synced) && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 20));
	};
	for (let i = 0; i < clients; i += 1) {
		connect(i);
		if (i % 100 === 99) await waitSynced(list);
	}
	await waitSynced(list);
	await new Promise((r) => setTimeout(r, 1000));
	const held = list.filter((c) => c.provider.wsconnected && c.provider.synced).length;

	latencies.length = 0;
	recording = true;
	const timers = list.map((client) => {
		const tick = () => {
			edit(client, sentAt);
			timer = setTimeout(tick, EDIT_INTERVAL_MS * (0.5 + Math.random()));
		};
		let timer = setTimeout(tick, Math.random() * EDIT_INTERVAL_MS);
		return () => clearTimeout(timer);
	});
	await new Promise((r) => setTimeout(r, LATENCY_PHASE_MS));
	for (const stop of timers) stop();
	recording = false;
	await new Promise((r) => setTimeout(r, 500));
	const p50 = percentile(latencies, 50);
	const p99 = percentile(latencies, 99);

	let delivered = 0;
	let running = true;
	const byDoc = Array.from({ length: DOCUMENTS }, (_, d) => list.filter((c) => c.d === d));
	let round = 0;
	const send = (d: number) => {
		if (!running) return;
		const writers = byDoc[d]?.slice(1) ?? [];
		const writer = writers[round++ % writers.length];
		if (!writer) return;
		const id = edit(writer, sentAt);
		onDelivered.set(id, () => {
			onDelivered.delete(id);
			delivered += 1;
			send(d);
		});
	};
	const started = performance.now();
	for (let d = 0; d < DOCUMENTS; d += 1) for (let w = 0; w < WINDOW; w += 1) send(d);
	await new Promise((r) => setTimeout(r, THROUGHPUT_PHASE_MS));
	running = false;
	const throughput = delivered / ((performance.now() - started) / 1000);
	onDelivered.clear();

	for (const client of list) {
		client.provider.destroy();
		client.provider.awareness.destroy();
		client.doc.destroy();
	}
	sentAt.clear();
	await Promise.all(members.map((m) => m.stop()));
	return { held, p50, p99, throughput };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function drive(): Promise<void> {
	const missing = missingServices();
	if (missing.length > 0) {
		console.log(`cluster.skipped ${missing.join(' and ')} not installed`);
		return;
	}
	process.setMaxListeners(0);
	const services = await startLocalServices();
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			void services.stop().then(() => process.exit(1));
		});
	}
	try {
		await seedBenchWorkspace({ DATABASE_URL: services.postgres.url }, DOCUMENTS);
		const env = { DATABASE_URL: services.postgres.url, REDIS_URL: services.redis.url };
		for (const clients of CLIENT_COUNTS) {
			for (const processes of PROCESS_COUNTS) {
				const result = await run(processes, clients, env);
				const tag = `cluster.p${processes}.n${clients}`;
				console.log(`${tag}.connections_held ${result.held}`);
				console.log(`${tag}.accepted_updates_per_s ${fmt(result.throughput, 0)}`);
				console.log(`${tag}.edit_to_peer_p50 ${fmt(result.p50, 2)} ms`);
				console.log(`${tag}.edit_to_peer_p99 ${fmt(result.p99, 2)} ms`);
			}
		}
	} finally {
		await services.stop();
	}
	console.log(`cluster.machine ${os.cpus().length}x ${os.cpus()[0]?.model ?? 'cpu'}`);
}

if (process.argv[2] === 'serve') await serve();
else await drive();
