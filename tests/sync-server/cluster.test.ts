// Several sync server processes on real Redis and PostgreSQL (started here on free ports): clients
// on different processes converge, with presence, and a process killed with SIGKILL while clients
// stream updates loses nothing any client had received; they reconnect through the round-robin
// proxy to the others. (The authorization and validation suites run against a cluster too: the
// `cluster` Vitest project, see vite.config.ts and harness.ts.)
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
	missingServices,
	startLocalServices,
	type LocalService
} from '../../sync-server/src/cluster/local-services';
import {
	startRoundRobinProxy,
	type RunningProxy
} from '../../sync-server/src/cluster/round-robin-proxy';
import {
	CONTOSO_ADMIN,
	cookiesFrom,
	rebaseOnRefusal,
	socketClass,
	spawnServerProcess,
	tenantUserAdded,
	waitFor,
	type ServerProcess,
	type Session
} from './harness';

const missing = missingServices();
if (missing.length > 0) {
	console.warn(
		`cluster.test.ts skipped: ${missing.join(' and ')} not installed (apt-get install redis-server postgresql)`
	);
}

let services: { redis: LocalService; postgres: LocalService; stop(): Promise<void> } | null = null;
const children = new Set<ChildProcess>();
const providers = new Set<WebsocketProvider>();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tiertwo-cluster-'));

async function startProcess(): Promise<ServerProcess> {
	if (!services) throw new Error('services not started');
	return spawnServerProcess(
		{
			DATA_DIR: dataDir,
			DATABASE_URL: services.postgres.url,
			REDIS_URL: services.redis.url,
			TRUST_PROXY: '1'
		},
		children
	);
}

async function signIn(url: string, email: string): Promise<Session> {
	const response = await fetch(`${url}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password: 'tiertwo-demo' })
	});
	expect(response.status).toBe(200);
	return cookiesFrom(response);
}

/** A stock client on `url` (one process, or the proxy); Origin is the URL it talks to. */
function connect(url: string, session: Session, name: string, doc: Y.Doc): WebsocketProvider {
	const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/sync`, name, doc, {
		WebSocketPolyfill: socketClass(session.cookie, url),
		disableBc: true,
		maxBackoffTime: 200
	});
	providers.add(provider);
	return provider;
}

function destroy(provider: WebsocketProvider): void {
	provider.destroy();
	provider.awareness.destroy();
	providers.delete(provider);
}

const processes: ServerProcess[] = [];
let proxy: RunningProxy | null = null;

beforeAll(async () => {
	if (missing.length > 0) return;
	services = await startLocalServices({ settings: { fsync: 'off' } });
	// The first process seeds the demo workspace; the others find it in PostgreSQL.
	processes.push(await startProcess());
	processes.push(...(await Promise.all([startProcess(), startProcess()])));
	proxy = await startRoundRobinProxy(processes.map((p) => ({ host: '127.0.0.1', port: p.port })));
}, 120_000);

afterAll(async () => {
	for (const provider of [...providers]) destroy(provider);
	await proxy?.close();
	for (const child of children) child.kill('SIGKILL');
	await Promise.all(processes.map((p) => p.exited));
	await services?.stop();
	rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(missing.length > 0)('cluster', () => {
	it('makes two clients on two different processes converge, with presence', async () => {
		const [a, b] = processes;
		if (!a || !b) throw new Error('processes');
		const name = 'customer/cohowinery';
		const docA = new Y.Doc();
		const docB = new Y.Doc();
		// Signed in on one process, connected to the other: sessions live in PostgreSQL.
		const pa = connect(a.url, await signIn(b.url, 'admin@contoso.example'), name, docA);
		const pb = connect(b.url, await signIn(a.url, 'admin@contoso.example'), name, docB);
		await waitFor(() => pa.synced && pb.synced, 10_000, 'both synced');
		expect(docA.getArray('log').toJSON()).toEqual(docB.getArray('log').toJSON());

		docA.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN, 'Added On A')]);
		docB.getText('notes').insert(0, 'written on B. ');
		await waitFor(
			() =>
				docB.getArray('log').length === docA.getArray('log').length &&
				docA.getText('notes').toString() === docB.getText('notes').toString(),
			10_000,
			'convergence across processes'
		);
		expect(docB.getArray('log').toJSON()).toEqual(docA.getArray('log').toJSON());
		expect(docA.getText('notes').toString()).toContain('written on B.');

		pa.awareness.setLocalStateField('cursor', { at: 3 });
		await waitFor(
			() => pb.awareness.getStates().get(docA.clientID)?.cursor !== undefined,
			10_000,
			'presence across processes'
		);
		const seen = pb.awareness.getStates().get(docA.clientID) as {
			cursor: { at: number };
			verifiedUser: { userId: string };
		};
		expect(seen.cursor).toEqual({ at: 3 });
		expect(seen.verifiedUser.userId).toBe('contoso-admin');
		// Leaving removes the presence on the other process too.
		destroy(pa);
		await waitFor(
			() => !pb.awareness.getStates().has(docA.clientID),
			10_000,
			'presence removed across processes'
		);
		destroy(pb);
	}, 60_000);

	it('loses nothing any client had received when a process is killed with SIGKILL mid-stream', async () => {
		if (!proxy) throw new Error('proxy');
		const name = 'customer/wingtip';
		const clients = await Promise.all(
			Array.from({ length: 6 }, async (_, i) => {
				const email = i % 2 === 0 ? 'admin@contoso.example' : 'admin@wingtip.example';
				const doc = new Y.Doc();
				// Through the proxy: consecutive connections land on different processes.
				const provider = connect(
					proxy?.url ?? '',
					await signIn(proxy?.url ?? '', email),
					name,
					doc
				);
				// Writers appending at once: one whose event lands before another's that a process
				// already took is refused (sync_log_not_at_tail) and appends it again, as the app does.
				if (i % 2 === 0) rebaseOnRefusal(provider);
				return { doc, provider, writes: i % 2 === 0 };
			})
		);
		await waitFor(() => clients.every((c) => c.provider.synced), 15_000, 'clients synced');
		const initial = clients[0]?.doc.getArray('log').length ?? 0;

		let streaming = true;
		const streams = clients
			.filter((c) => c.writes)
			.map(async (c) => {
				while (streaming) {
					if (c.provider.wsconnected) c.doc.getArray('log').push([tenantUserAdded(CONTOSO_ADMIN)]);
					await new Promise((resolve) => setTimeout(resolve, 15));
				}
			});
		await waitFor(
			() => clients.every((c) => c.doc.getArray('log').length >= initial + 60),
			30_000,
			'streamed updates'
		);
		const victim = processes[1];
		if (!victim) throw new Error('victim');
		const dropped = new Set<WebsocketProvider>();
		const closes = new Map<WebsocketProvider, string[]>();
		for (const c of clients) {
			c.provider.on('connection-close', (event: { code: number; reason: string } | null) => {
				closes.set(c.provider, [
					...(closes.get(c.provider) ?? []),
					`${event?.code} ${event?.reason}`
				]);
			});
		}
		for (const c of clients) {
			c.provider.on('status', ({ status }: { status: string }) => {
				if (status === 'disconnected') dropped.add(c.provider);
			});
		}
		victim.child.kill('SIGKILL');
		// What every client had received (from every writer, through any process) at the kill.
		const received = new Set(
			clients.flatMap((c) => (c.doc.getArray('log').toJSON() as { id: string }[]).map((e) => e.id))
		);
		expect((await victim.exited).signal).toBe('SIGKILL');
		proxy.setBackends(
			processes.filter((p) => p !== victim).map((p) => ({ host: '127.0.0.1', port: p.port }))
		);
		// The clients of the killed process reconnect to the others and keep streaming.
		await waitFor(() => dropped.size > 0, 15_000, 'the killed process’s clients dropped');
		await waitFor(() => clients.every((c) => c.provider.wsconnected), 15_000, 'reconnected');
		const count = clients[0]?.doc.getArray('log').length ?? 0;
		await waitFor(
			() => clients.every((c) => c.doc.getArray('log').length >= count + 30),
			30_000,
			'streaming after the kill'
		);
		streaming = false;
		await Promise.all(streams);
		await waitFor(
			() => {
				const lengths = new Set(clients.map((c) => c.doc.getArray('log').length));
				return lengths.size === 1;
			},
			30_000,
			'clients converged'
		).catch((error: unknown) => {
			const state = clients.map((c) => ({
				length: c.doc.getArray('log').length,
				connected: c.provider.wsconnected,
				closes: closes.get(c.provider) ?? []
			}));
			throw new Error(`${String(error)}: ${JSON.stringify(state)}`);
		});

		// A new client, on a surviving process, loads from PostgreSQL what every client had.
		const fresh = new Y.Doc();
		const survivor = processes[2];
		if (!survivor) throw new Error('survivor');
		const reader = connect(
			survivor.url,
			await signIn(survivor.url, 'admin@wingtip.example'),
			name,
			fresh
		);
		await waitFor(() => reader.synced, 10_000, 'fresh sync');
		const stored = new Set((fresh.getArray('log').toJSON() as { id: string }[]).map((e) => e.id));
		const lost = [...received].filter((id) => !stored.has(id));
		expect(lost).toEqual([]);
		expect(fresh.getArray('log').toJSON()).toEqual(clients[0]?.doc.getArray('log').toJSON());
		for (const client of clients) destroy(client.provider);
		destroy(reader);
	}, 120_000);
});
