// The load the sync-server and cluster benches put on a server: many y-websocket connections that
// speak the protocol as the stock client does (sync handshake, presence at start and renewed every
// 15 s, presence heard sent back out, updates) and append tenant users to customer documents, timed from send to every peer's
// receipt. The clients are lean on purpose: a stock client (a Y.Doc and a WebsocketProvider each)
// applies every update it hears, and 3,000 of them used more of this 2-core machine than the server
// under test. Here a connection is a socket; per document and server process one connection (the
// observer) keeps a replica of what that server relayed, and edits are written against it: a new
// item after the last one that server has, under the writer's own client id and clock, exactly as
// Yjs would encode the stock client's push (checked against Yjs when the module loads).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { customerId, percentile } from './bench-workspace';

export interface LoadEndpoint {
	readonly url: string;
	readonly headers: Record<string, string>;
	/** which server process: edits only reference what that process relayed */
	readonly process: number;
}

export interface LoadSettings {
	readonly clients: number;
	readonly documents: number;
	/** where client `i` (on document `i % documents`) connects */
	endpoint(i: number, d: number): LoadEndpoint;
	/** stop waiting for a connection to sync after this long (it then counts as not held) */
	readonly syncTimeoutMs?: number;
}

export interface LatencyResult {
	/** edits sent per second (offered load) */
	readonly offered: number;
	readonly p50: number;
	readonly p99: number;
	readonly samples: number;
}

const LOG = 'log';
/** the stock client renews its presence once it is 15 s old, checking every 3 s */
const PRESENCE_RENEWAL_MS = 15_000;
const PRESENCE_CHECK_MS = 3_000;
const ID_LENGTH = 11;
/** how an edit id looks inside an update (lib0 `writeAny` of a string: 119, length, bytes) */
const ID_MARK = Buffer.from([119, ID_LENGTH, 0x62, 0x78]);

const frames = (() => {
	const empty = new Y.Doc();
	const step1 = encoding.createEncoder();
	encoding.writeVarUint(step1, 0);
	syncProtocol.writeSyncStep1(step1, empty);
	// The answer to the server's step 1: what an empty replica has for it (nothing).
	const step2 = encoding.createEncoder();
	encoding.writeVarUint(step2, 0);
	syncProtocol.writeSyncStep2(step2, empty, Y.encodeStateVector(empty));
	return { step1: encoding.toUint8Array(step1), step2: encoding.toUint8Array(step2) };
})();

function updateFrame(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

function presenceFrame(client: number, clock: number): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1);
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, client);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, '{}');
	encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
	return encoding.toUint8Array(encoder);
}

/**
 * The update a replica holding `after` as its log's last element (null: an empty log) would send for
 * pushing `value` as client `client` at `clock`: one item (Yjs encodes it), in the v1 framing of
 * one client's structs and an empty delete set.
 */
export function encodeAppend(
	client: number,
	clock: number,
	after: Y.ID | null,
	value: object
): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, 1);
	encoding.writeVarUint(encoder.restEncoder, 1);
	encoder.writeClient(client);
	encoding.writeVarUint(encoder.restEncoder, clock);
	const item = new Y.Item(
		Y.createID(client, clock),
		null,
		after,
		null,
		null,
		// Without an origin the item names its parent: the root type's key.
		after ? null : (LOG as unknown as Y.ID),
		null,
		new Y.ContentAny([value])
	);
	item.write(encoder, 0);
	encoding.writeVarUint(encoder.restEncoder, 0);
	return encoder.toUint8Array();
}

/** The id of the log's last element in `doc` (`hint`: an item at or before it, to start from). */
function lastElement(
	log: Y.Array<unknown>,
	hint: Y.Item | null
): { item: Y.Item; id: Y.ID } | null {
	let item = hint ?? log._start;
	if (!item) return null;
	while (item.right) item = item.right;
	return { item, id: Y.createID(item.id.client, item.id.clock + item.length - 1) };
}

// The encoding must be what Yjs itself sends for a push, or the bench measures something else.
for (const seeded of [true, false]) {
	const doc = new Y.Doc();
	doc.clientID = 7;
	if (seeded) doc.getArray(LOG).push([{ first: true }]);
	const writer = new Y.Doc();
	writer.clientID = 9;
	Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(writer);
	const value = { id: 'bx000000001', n: 1 };
	writer.getArray(LOG).push([value]);
	const expected = Y.encodeStateAsUpdate(writer, before);
	const ours = encodeAppend(9, 0, lastElement(doc.getArray(LOG), null)?.id ?? null, value);
	if (Buffer.compare(Buffer.from(expected), Buffer.from(ours)) !== 0) {
		throw new Error('edit-load: the append encoding differs from Yjs');
	}
}

let editSeq = 0;
/** The tenant user an edit adds to document `d` (as that document's admin); its id is `id`. */
function tenantUserAdded(d: number, id: string): object {
	return {
		id,
		type: 'tenantUser.added',
		at: `${String(Date.now()).padStart(15, '0')}-${String(editSeq % 99999).padStart(5, '0')}-bench-client`,
		by: { userId: `${customerId(d)}-admin`, orgId: customerId(d) },
		payload: {
			tenantUserId: id,
			displayName: 'Bench Person',
			userName: `${id}@${customerId(d)}.example`
		}
	};
}

/** What one server process has relayed of one document, as its observer connection heard it. */
class Replica {
	readonly doc = new Y.Doc();
	readonly log = this.doc.getArray<unknown>(LOG);
	#tail: Y.Item | null = null;
	last(): Y.ID | null {
		const found = lastElement(this.log, this.#tail);
		this.#tail = found?.item ?? null;
		return found?.id ?? null;
	}
}

interface Sent {
	readonly at: number;
	readonly by: LeanClient;
}

class LeanClient {
	readonly ws: WebSocket;
	readonly clientId = 1 + Math.floor(Math.random() * 0x7ffffffe);
	clock = 0;
	presenceClock = 0;
	presenceSentAt = 0;
	#presenceCheck: NodeJS.Timeout | undefined;
	synced = false;
	closedWith: string | null = null;
	constructor(
		readonly d: number,
		endpoint: LoadEndpoint,
		docName: string,
		readonly replica: Replica,
		/** observers feed `replica` (what their server relayed); writers edit against it */
		readonly role: 'first-observer' | 'observer' | 'writer',
		readonly heard: (client: LeanClient, frame: Buffer) => void
	) {
		this.ws = new WebSocket(`${endpoint.url}/${docName}`, {
			headers: endpoint.headers,
			perMessageDeflate: false
		});
		this.ws.binaryType = 'nodebuffer';
		this.ws.on('open', () => {
			this.ws.send(frames.step1);
			this.renewPresence();
			// Like the stock client, each connection checks its own presence's age on its own timer.
			this.#presenceCheck = setInterval(() => {
				if (performance.now() - this.presenceSentAt >= PRESENCE_RENEWAL_MS) this.renewPresence();
			}, PRESENCE_CHECK_MS);
		});
		this.ws.on('message', (data: Buffer) => this.#receive(data));
		this.ws.on('close', (code, reason) => {
			clearInterval(this.#presenceCheck);
			this.closedWith ??= `${code} ${reason.toString()}`.trim();
		});
		this.ws.on('error', (error) => {
			this.closedWith ??= error.message;
		});
	}

	get open(): boolean {
		return this.ws.readyState === WebSocket.OPEN;
	}

	renewPresence(): void {
		if (!this.open) return;
		this.presenceSentAt = performance.now();
		this.ws.send(presenceFrame(this.clientId, ++this.presenceClock));
	}

	#receive(data: Buffer): void {
		// The stock client sends every presence change it hears back out (its awareness handler does
		// not look at the origin); the server drops those echoes, but they are load.
		if (data[0] === 1) this.ws.send(data);
		if (data[0] !== 0) return;
		const step = data[1];
		if (step === 0) {
			this.ws.send(frames.step2);
			return;
		}
		if (this.role !== 'writer') {
			const decoder = decoding.createDecoder(data);
			decoding.readVarUint(decoder);
			decoding.readVarUint(decoder);
			Y.applyUpdate(this.replica.doc, decoding.readVarUint8Array(decoder));
		}
		if (step === 1) this.synced = true;
		else this.heard(this, data);
	}
}

/**
 * Connects `clients` lean connections, then runs the two phases the benches report: latency at a
 * steady offered rate and throughput with a window of edits in flight per document.
 */
export class EditLoad {
	readonly clients: LeanClient[] = [];
	readonly #settings: LoadSettings;
	readonly #sent = new Map<string, Sent>();
	readonly #latencies: number[] = [];
	#recording = false;
	/** throughput phase: edit id → what to do when the document's first observer hears it */
	readonly #onDelivered = new Map<string, () => void>();
	/** per document and server process: `${d}:${process}` */
	readonly #replicas = new Map<string, Replica>();

	constructor(settings: LoadSettings) {
		this.#settings = settings;
	}

	/** Opens clients `from`..`to - 1` and waits (bounded) until they are synced. */
	async connect(from: number, to: number): Promise<void> {
		for (let i = from; i < to; i += 1) {
			const d = i % this.#settings.documents;
			const endpoint = this.#settings.endpoint(i, d);
			const key = `${d}:${endpoint.process}`;
			const existing = this.#replicas.get(key);
			const replica = existing ?? new Replica();
			this.#replicas.set(key, replica);
			// The first connection of a document is the one the throughput phase waits for.
			const first = !this.clients.some((c) => c.d === d);
			const client = new LeanClient(
				d,
				endpoint,
				`customer/${customerId(d)}`,
				replica,
				existing ? 'writer' : first ? 'first-observer' : 'observer',
				(c, frame) => this.#heard(c, frame)
			);
			this.clients.push(client);
			if ((i - from) % 100 === 99) await this.#waitSynced();
		}
		await this.#waitSynced();
	}

	async #waitSynced(): Promise<void> {
		const deadline = Date.now() + (this.#settings.syncTimeoutMs ?? 60_000);
		while (Date.now() < deadline && this.clients.some((c) => !c.synced && c.closedWith === null)) {
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	/** connections open and synced */
	get held(): number {
		return this.clients.filter((c) => c.open && c.synced).length;
	}

	/** why connections closed, with counts (a healthy run has none) */
	closed(): Map<string, number> {
		const reasons = new Map<string, number>();
		for (const c of this.clients) {
			if (c.closedWith !== null) reasons.set(c.closedWith, (reasons.get(c.closedWith) ?? 0) + 1);
		}
		return reasons;
	}

	#writers(d?: number): LeanClient[] {
		return this.clients.filter(
			(c) => c.role === 'writer' && c.open && (d === undefined || c.d === d)
		);
	}

	#edit(writer: LeanClient): string | null {
		if (!writer.open) return null;
		const after = writer.replica.last();
		editSeq += 1;
		const id = `bx${String(editSeq).padStart(ID_LENGTH - 2, '0')}`;
		const update = encodeAppend(
			writer.clientId,
			writer.clock,
			after,
			tenantUserAdded(writer.d, id)
		);
		writer.clock += 1;
		this.#sent.set(id, { at: performance.now(), by: writer });
		writer.ws.send(updateFrame(update));
		return id;
	}

	#heard(client: LeanClient, frame: Buffer): void {
		const at = frame.indexOf(ID_MARK);
		if (at < 0) return;
		const id = frame.toString('latin1', at + 2, at + 2 + ID_LENGTH);
		const sent = this.#sent.get(id);
		if (!sent || sent.by === client) return;
		if (this.#recording) this.#latencies.push(performance.now() - sent.at);
		if (client.role === 'first-observer') this.#onDelivered.get(id)?.();
	}

	/**
	 * Every writer edits at random intervals so that together they offer `editsPerSecond`; every
	 * peer's receipt of an edit is one latency sample.
	 */
	async latency(durationMs: number, editsPerSecond: number): Promise<LatencyResult> {
		const writers = this.#writers();
		const interval = (writers.length / editsPerSecond) * 1000;
		this.#latencies.length = 0;
		this.#recording = true;
		let sent = 0;
		const timers = writers.map((writer) => {
			const tick = () => {
				if (this.#edit(writer)) sent += 1;
				timer = setTimeout(tick, interval * (0.5 + Math.random()));
			};
			let timer = setTimeout(tick, Math.random() * interval);
			return () => clearTimeout(timer);
		});
		const started = performance.now();
		await new Promise((r) => setTimeout(r, durationMs));
		for (const stop of timers) stop();
		const offered = sent / ((performance.now() - started) / 1000);
		await new Promise((r) => setTimeout(r, 500));
		this.#recording = false;
		const samples = [...this.#latencies];
		return {
			offered,
			p50: percentile(samples, 50),
			p99: percentile(samples, 99),
			samples: samples.length
		};
	}

	/** Edits delivered per second with `window` in flight per document (the next sent on delivery). */
	async throughput(durationMs: number, window: number): Promise<number> {
		let delivered = 0;
		let running = true;
		const byDoc = Array.from({ length: this.#settings.documents }, (_, d) => this.#writers(d));
		let round = 0;
		const send = (d: number) => {
			const writers = byDoc[d] ?? [];
			if (!running || writers.length === 0) return;
			const id = this.#edit(writers[round++ % writers.length] as LeanClient);
			if (!id) return;
			this.#onDelivered.set(id, () => {
				this.#onDelivered.delete(id);
				delivered += 1;
				send(d);
			});
		};
		const started = performance.now();
		for (let d = 0; d < this.#settings.documents; d += 1) {
			for (let w = 0; w < window; w += 1) send(d);
		}
		await new Promise((r) => setTimeout(r, durationMs));
		running = false;
		const elapsed = performance.now() - started;
		this.#onDelivered.clear();
		return delivered / (elapsed / 1000);
	}

	close(): void {
		for (const client of this.clients) client.ws.terminate();
		this.#sent.clear();
	}
}
