// Cluster bench: one, two and three sync server processes sharing PostgreSQL and Redis (started
// here from the machine's packages, default settings: fsync on), with 1,000 and 3,000 y-websocket
// connections (tests/bench/edit-load.ts) on 100 documents. Clients are spread over the processes round-robin (as a
// load balancer would), so most edits cross processes (store, then Redis, then the other process).
// Prints `name value [unit]` lines: connections held, accepted updates per second (an edit counts
// once a peer of its document has it), edit-to-peer latency p50/p99.
//   node --import tsx tests/bench/cluster.bench.ts      (or: npm run bench cluster)
//   BENCH_CLIENTS=1000 BENCH_PROCESSES=1,3 … to run a subset
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { pino } from 'pino';
import { missingServices, startLocalServices } from '../../sync-server/src/cluster/local-services';
import { seedBenchWorkspace, signIn } from './bench-workspace';
import { EditLoad } from './edit-load';

const DOCUMENTS = 100;
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '1000,3000').split(',').map(Number);
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? '1,2,3').split(',').map(Number);
/** latency phase: edits per second offered by all clients together (default: one per client per 5 s) */
const EDITS_PER_S = process.env.BENCH_EDITS_PER_S ? Number(process.env.BENCH_EDITS_PER_S) : null;
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

interface Run {
	held: number;
	p50: number;
	p99: number;
	throughput: number;
	closed: Map<string, number>;
}

async function run(processes: number, clients: number, env: NodeJS.ProcessEnv): Promise<Run> {
	const members: Member[] = [];
	for (let i = 0; i < processes; i += 1) members.push(await spawnMember(env));
	const ports = members.map((m) => m.port);
	// Sessions are shared: each admin signs in once, on any process.
	const cookies = await Promise.all(
		Array.from({ length: DOCUMENTS }, (_, d) => signIn(ports[d % ports.length] ?? 0, d))
	);
	const load = new EditLoad({
		clients,
		documents: DOCUMENTS,
		// Bounded: clients a saturated cluster cannot take count as not held.
		syncTimeoutMs: 10_000,
		endpoint: (i, d) => {
			// A document's clients take turns over the processes: its edits cross processes.
			const member = Math.floor(i / DOCUMENTS) % ports.length;
			const port = ports[member] ?? 0;
			return {
				url: `ws://127.0.0.1:${port}/sync`,
				headers: { origin: `http://127.0.0.1:${port}`, cookie: cookies[d] ?? '' },
				process: member
			};
		}
	});
	await load.connect(0, clients);
	await new Promise((r) => setTimeout(r, 1000));
	const held = load.held;
	const latency = await load.latency(LATENCY_PHASE_MS, EDITS_PER_S ?? clients / 5);
	const throughput = await load.throughput(THROUGHPUT_PHASE_MS, WINDOW);
	const closed = load.closed();
	load.close();
	await Promise.all(members.map((m) => m.stop()));
	return { held, p50: latency.p50, p99: latency.p99, throughput, closed };
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
				for (const [reason, count] of result.closed) {
					console.log(`${tag}.closed ${count} (${reason})`);
				}
			}
		}
	} finally {
		await services.stop();
	}
	console.log(`cluster.machine ${os.cpus().length}x ${os.cpus()[0]?.model ?? 'cpu'}`);
}

if (process.argv[2] === 'serve') await serve();
else await drive();
