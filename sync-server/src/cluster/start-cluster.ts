// `npm run start:cluster`: a whole cluster on one machine, for trying it out. Starts Redis and
// PostgreSQL from the machine's packages (throwaway data in temporary directories), N sync server
// processes sharing them (default 3; --processes N or CLUSTER_PROCESSES), and the round-robin
// proxy on one port (PORT, default 4173). The first process seeds the demo workspace and prints
// its sign-ins. A process that dies is started again. Ctrl-C stops everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT, serverProcessArgs } from '../entry-points.js';
import { INSTALL_HINT, missingServices, startLocalServices } from './local-services.js';
import { startRoundRobinProxy, type Backend } from './round-robin-proxy.js';

const argv = process.argv.slice(2);
const flag = argv.indexOf('--processes');
const count = Math.max(
	1,
	Math.min(16, Number(flag >= 0 ? argv[flag + 1] : (process.env.CLUSTER_PROCESSES ?? 3)) || 3)
);
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

const missing = missingServices();
if (missing.length > 0) {
	console.error(`start:cluster needs ${missing.join(' and ')}, which this machine lacks.`);
	console.error(INSTALL_HINT);
	process.exit(1);
}

console.log('Starting Redis and PostgreSQL (temporary data)…');
const services = await startLocalServices();
console.log(`  Redis       ${services.redis.url}`);
console.log(`  PostgreSQL  ${services.postgres.url}`);

interface Member {
	index: number;
	child: ChildProcess;
	backend: Backend | null;
}

let stopping = false;
const members: Member[] = [];

function start(index: number, showSignIns: boolean): Promise<Member> {
	const child = spawn(process.execPath, serverProcessArgs(), {
		cwd: PROJECT_ROOT,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATABASE_URL: services.postgres.url,
			REDIS_URL: services.redis.url,
			TRUST_PROXY: '1'
		},
		stdio: ['ignore', 'pipe', 'inherit'],
		// Its own process group: on Ctrl-C the launcher stops the servers before the databases.
		detached: true
	});
	const member: Member = { index, child, backend: null };
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			const text = chunk.toString();
			if (member.backend === null) {
				out += text;
				const match = /running at http:\/\/([^\s:]+):(\d+)/.exec(out);
				if (match?.[1] && match[2]) {
					member.backend = { host: match[1], port: Number(match[2]) };
					console.log(`  process ${index + 1} (pid ${child.pid}) on port ${match[2]}`);
					const rest = out.slice(out.indexOf('\n', match.index) + 1);
					if (showSignIns && rest.trim()) process.stdout.write(rest);
					resolve(member);
				}
			} else if (showSignIns) process.stdout.write(text);
		});
		child.on('exit', (code, signal) => {
			if (member.backend === null) {
				reject(new Error(`process ${index + 1} exited (${code ?? signal})`));
			} else if (!stopping) {
				console.error(`process ${index + 1} exited (${code ?? signal}); starting it again`);
				member.backend = null;
				proxy?.setBackends(backends());
				setTimeout(() => {
					start(index, false).then(
						(next) => {
							members[index] = next;
							proxy?.setBackends(backends());
						},
						(error: unknown) => console.error(String(error))
					);
				}, 1000);
			}
		});
	});
}

const backends = () => members.flatMap((m) => (m.backend ? [m.backend] : []));
let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>> | null = null;

async function stop(code: number): Promise<never> {
	stopping = true;
	await proxy?.close();
	await Promise.all(
		members.map(
			(m) =>
				new Promise<void>((resolve) => {
					if (m.child.exitCode !== null || m.child.signalCode !== null) return resolve();
					m.child.once('exit', () => resolve());
					m.child.kill('SIGTERM');
				})
		)
	);
	await services.stop();
	process.exit(code);
}

try {
	// The first process alone: it seeds the demo workspace the others then find in PostgreSQL.
	members.push(await start(0, true));
	const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1, false)));
	members.push(...rest);
	proxy = await startRoundRobinProxy(backends(), { port, host });
} catch (error) {
	console.error(String(error));
	await stop(1);
}

console.log(
	`\ntiertwo cluster is running at ${proxy?.url} (${count} sync server processes behind a round-robin proxy). Ctrl-C stops it.`
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (!stopping) void stop(0);
	});
}
