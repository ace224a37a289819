// The sync server with many distributor devices (issue 20): BENCH_DEVICES (default 200) channels,
// 50 per user over four users of Contoso's and Northwind's who each may open the 2,000 generated
// customers (BENCH_DEVICE_DOCUMENTS), each listing its documents and fetching their summaries as
// a new device does; then a writer changes customers (BENCH_DEVICE_WRITES, one every 50 ms) and
// every device that lists them hears the change. Prints the server's resident memory and CPU time
// at each step, the time until every device had its list and summaries, and how long after a
// write each device heard of it (p50/p95), and what one access change (a user's new role) costs
// the server. Devices hold their channel, not their documents: a device opens a document only to
// sync it (see sync-engine.ts), so nothing here opens them all.
import { readFileSync } from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import {
	CHANNEL_PATH,
	MAX_SUMMARIES_ASKED,
	decodeFrame,
	encodeControl,
	encodeDocFrame,
	readServerControl
} from '../../src/lib/protocol/channel';
import { HybridLogicalClock } from '../../src/lib/domain/clock';
import { demoCustomer } from '../../sync-server/src/demo-customers';
import { freePort, newDataDir, startAppServer } from '../e2e/app-server';
import { percentile } from './bench-workspace';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 200);
const DOCUMENTS = Number(process.env.BENCH_DEVICE_DOCUMENTS ?? 2000);
const WRITES = Number(process.env.BENCH_DEVICE_WRITES ?? 40);
const USERS = [
	'admin@contoso.example',
	'sales@contoso.example',
	'admin@northwind.example',
	'helpdesk@northwind.example'
];
const PASSWORD = 'tiertwo-demo';

const print = (name: string, value: number, unit: string) =>
	console.log(`${name} ${Number.isFinite(value) ? value.toFixed(1) : 'NaN'} ${unit}`);

/** Resident memory (MiB) and CPU time (s) of a process, from /proc. */
function processStats(pid: number): { rssMiB: number; cpuSeconds: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
	const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
	return { rssMiB: rss, cpuSeconds: ticks / 100 };
}

async function signIn(url: string, email: string): Promise<{ cookie: string; userId: string }> {
	const response = await fetch(`${url}/api/auth/sign-in`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ email, password: PASSWORD })
	});
	if (!response.ok) throw new Error(`sign-in of ${email}: ${response.status}`);
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	const body = (await response.json()) as { user?: { id?: string } };
	return { cookie, userId: body.user?.id ?? '' };
}

/** A device: its channel, its list, the summaries it fetched, and when it heard of each change. */
class Device {
	readonly ws: WebSocket;
	listed = 0;
	summarized = 0;
	ready: Promise<number>;
	readonly heard = new Map<string, number>();
	#resolve: (at: number) => void = () => {};

	constructor(url: string, cookie: string) {
		this.ready = new Promise((resolve) => (this.#resolve = resolve));
		this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}${CHANNEL_PATH}`, {
			headers: { cookie, origin: url }
		});
		this.ws.binaryType = 'nodebuffer';
		this.ws.on('message', (data: Buffer) => this.#receive(new Uint8Array(data)));
	}

	#receive(bytes: Uint8Array): void {
		const frame = decodeFrame(bytes);
		if (frame.kind !== 'control') return;
		const control = readServerControl(frame.control);
		if (control?.type === 'documents' && this.listed === 0) {
			this.listed = control.documents.length;
			const names = control.documents.map((document) => document.name);
			for (let at = 0; at < names.length; at += MAX_SUMMARIES_ASKED) {
				this.ws.send(
					encodeControl({ type: 'summaries', docs: names.slice(at, at + MAX_SUMMARIES_ASKED) })
				);
			}
		} else if (control?.type === 'summaries') {
			this.summarized += control.summaries.length;
			if (this.summarized >= this.listed) this.#resolve(performance.now());
		} else if (control?.type === 'changed') {
			const now = performance.now();
			for (const change of control.documents) {
				if (!this.heard.has(change.name)) this.heard.set(change.name, now);
			}
		}
	}
}

const server = await startAppServer({
	port: await freePort(),
	dataDir: newDataDir(),
	env: { TIERTWO_DEMO_CUSTOMERS: String(DOCUMENTS) },
	startTimeoutMs: 60 * 60_000
});
const pid = server.pid() as number;
try {
	const idle = processStats(pid);
	print('devices_server_rss_idle', idle.rssMiB, 'MiB');
	const sessions = await Promise.all(USERS.map((email) => signIn(server.url, email)));
	const started = performance.now();
	const cpuBefore = processStats(pid).cpuSeconds;
	const devices = Array.from(
		{ length: DEVICES },
		(_, index) =>
			new Device(server.url, (sessions[index % sessions.length] as { cookie: string }).cookie)
	);
	const readyAt = await Promise.all(devices.map((device) => device.ready));
	const listedMs = readyAt.map((at) => at - started);
	const afterLists = processStats(pid);
	print('devices_count', DEVICES, `channels (${USERS.length} users)`);
	print('devices_documents_listed_each', devices[0]?.listed ?? 0, 'documents');
	print('devices_list_and_summaries_p50', percentile(listedMs, 50), 'ms');
	print('devices_list_and_summaries_all', Math.max(...listedMs), 'ms (every device)');
	print('devices_server_cpu_lists', afterLists.cpuSeconds - cpuBefore, 's CPU for every list');
	print('devices_server_rss_connected', afterLists.rssMiB, 'MiB');

	// A writer on its own channel changes customers one by one; every device is told.
	const writer = await signIn(server.url, 'admin@contoso.example');
	const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}${CHANNEL_PATH}`, {
		headers: { cookie: writer.cookie, origin: server.url }
	});
	await new Promise((resolve) => socket.once('open', resolve));
	const clock = new HybridLogicalClock('benchw0001');
	const written = new Map<string, number>();
	const cpuWrites = processStats(pid).cpuSeconds;
	// The writer's documents: each synced first (the server's state), then the event appended.
	const synced = new Map<string, (doc: Y.Doc) => void>();
	const docs = new Map<string, Y.Doc>();
	socket.on('message', (data: Buffer) => {
		const frame = decodeFrame(new Uint8Array(data));
		if (frame.kind !== 'doc') return;
		const doc = docs.get(frame.doc);
		if (!doc) return;
		const decoder = decoding.createDecoder(frame.message);
		if (decoding.readVarUint(decoder) !== 0) return;
		const reply = encoding.createEncoder();
		encoding.writeVarUint(reply, 0);
		const step = syncProtocol.readSyncMessage(decoder, reply, doc, 'server');
		if (step === syncProtocol.messageYjsSyncStep2) synced.get(frame.doc)?.(doc);
	});
	const openSynced = (name: string) =>
		new Promise<Y.Doc>((resolve) => {
			const doc = new Y.Doc();
			docs.set(name, doc);
			synced.set(name, resolve);
			socket.send(encodeControl({ type: 'open', doc: name, ack: false }));
			const step1 = encoding.createEncoder();
			encoding.writeVarUint(step1, 0);
			syncProtocol.writeSyncStep1(step1, doc);
			socket.send(encodeDocFrame(name, encoding.toUint8Array(step1)));
		});
	/** Appends an event by Contoso's admin to a synced document and sends the update. */
	const append = (name: string, doc: Y.Doc, type: string, payload: object) => {
		const before = Y.encodeStateVector(doc);
		doc.getArray('log').push([
			{
				id: crypto.randomUUID(),
				type,
				at: clock.now(Date.now()),
				by: { userId: writer.userId, orgId: 'contoso' },
				payload
			}
		]);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc, before));
		socket.send(encodeDocFrame(name, encoding.toUint8Array(encoder)));
	};
	for (let n = 0; n < WRITES; n += 1) {
		const name = `customer/${demoCustomer((n * 37) % DOCUMENTS).customerId}`;
		const doc = await openSynced(name);
		written.set(name, performance.now());
		append(name, doc, 'tenantUser.added', {
			tenantUserId: crypto.randomUUID(),
			displayName: `Bench ${n}`,
			userName: `bench-${n}@example.com`
		});
		await new Promise((resolve) => setTimeout(resolve, 50));
		socket.send(encodeControl({ type: 'close', doc: name }));
		docs.delete(name);
	}
	await new Promise((resolve) => setTimeout(resolve, 2_000));
	const heardMs: number[] = [];
	let missed = 0;
	for (const device of devices) {
		for (const [name, at] of written) {
			const heard = device.heard.get(name);
			if (heard === undefined) missed += 1;
			else heardMs.push(heard - at);
		}
	}
	const afterWrites = processStats(pid);
	print('devices_writes', written.size, 'customers changed, one every 50 ms');
	print('devices_change_heard_p50', percentile(heardMs, 50), 'ms');
	print('devices_change_heard_p95', percentile(heardMs, 95), 'ms');
	print('devices_change_not_heard', missed, `of ${written.size * DEVICES} (device, change) pairs`);
	print('devices_server_cpu_writes', afterWrites.cpuSeconds - cpuWrites, 's CPU during the writes');
	print('devices_server_rss_end', afterWrites.rssMiB, 'MiB');

	// An access change: Contoso's admin makes its sales agent a billing admin, who reads no customer.
	// Roles live in the org document, so Contoso's devices decide their whole lists again;
	// Northwind's, which list Contoso's org document, decide theirs in the documents the change
	// reached. The server's CPU until it is quiet again, and the lists decided, by scope.
	const lists = async () => {
		const text = await (await fetch(`${server.url}/metrics`)).text();
		const count = (scope: string) =>
			Number(
				new RegExp(`^tiertwo_sync_document_lists_total\\{scope="${scope}"\\} (\\d+)`, 'm').exec(
					text
				)?.[1] ?? 0
			);
		return { whole: count('whole'), changed: count('changed') };
	};
	const org = await openSynced('org/contoso');
	const listsBefore = await lists();
	const cpuAccess = processStats(pid).cpuSeconds;
	append('org/contoso', org, 'user.rolesChanged', {
		userId: 'contoso-sales',
		roles: ['billingAdmin']
	});
	const changedAt = performance.now();
	// Quiet: under 0.05 s of CPU in each of two 250 ms steps (at most a minute).
	let quietSteps = 0;
	let lastCpu = processStats(pid).cpuSeconds;
	while (quietSteps < 2 && performance.now() - changedAt < 60_000) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		const cpu = processStats(pid).cpuSeconds;
		quietSteps = cpu - lastCpu < 0.05 ? quietSteps + 1 : 0;
		lastCpu = cpu;
	}
	const quietMs = performance.now() - changedAt - 500;
	const listsAfter = await lists();
	print(
		'devices_access_change_lists',
		listsAfter.whole - listsBefore.whole + listsAfter.changed - listsBefore.changed,
		`decided (${listsAfter.whole - listsBefore.whole} whole, ${listsAfter.changed - listsBefore.changed} in the changed documents)`
	);
	print(
		'devices_server_cpu_access_change',
		processStats(pid).cpuSeconds - cpuAccess,
		`s CPU after one role change, busy for ${Math.round(quietMs)} ms`
	);
	socket.close();
	for (const device of devices) device.ws.close();
} finally {
	await server.stop();
}
