// In a cluster, the updates and presence other processes stored or announced (heard through the
// bus, each update with the sequence number the store gave it): applied to the documents held here
// and relayed to their peers, and any gap in those numbers filled from the store.
import * as decoding from 'lib0/decoding';
import { applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeUpdate } from '../wire-format.js';
import { REMOTE_ORIGIN, type LiveDocument } from './live-document.js';
import type { PartDeps } from './registry-deps.js';

/** The held documents, as replay sees them (DocumentCache). */
export interface ReplayDocuments {
	peek(name: string): LiveDocument | undefined;
	loaded(): IterableIterator<LiveDocument>;
	/** keeps an update heard while its document loads, to replay once loaded; false if not loading */
	heard(name: string, seq: number, update: Uint8Array): boolean;
	maybeCompact(live: LiveDocument): void;
}

/** Whom replayed changes are told (CommitRelay's listeners). */
export interface ReplayListeners {
	tellStored(name: string, seq: number, live: LiveDocument | undefined): void;
	logChanged(live: LiveDocument, committed: boolean): unknown;
}

type ReplayDeps = Pick<PartDeps, 'store' | 'validator' | 'policy' | 'log' | 'limits' | 'now'>;

export class ClusterReplay {
	readonly #deps: ReplayDeps;
	readonly #docs: ReplayDocuments;
	readonly #listeners: ReplayListeners;

	constructor(deps: ReplayDeps, docs: ReplayDocuments, listeners: ReplayListeners) {
		this.#deps = deps;
		this.#docs = docs;
		this.#listeners = listeners;
	}

	/** Notes that the document holds the stored update `seq`; a gap left behind is filled later. */
	markSeq(live: LiveDocument, seq: number): boolean {
		const fresh = live.markSeq(seq);
		if (live.hasGap) this.#scheduleGapRepair(live);
		return fresh;
	}

	#scheduleGapRepair(live: LiveDocument): void {
		if (live.gapTimer) return;
		live.gapTimer = setTimeout(() => {
			live.gapTimer = null;
			if (live.hasGap && this.#docs.peek(live.name) === live) void this.repair(live);
		}, this.#deps.limits.gapRepairMs ?? 250);
		live.gapTimer.unref();
	}

	/**
	 * An update another process stored under `seq` (heard through the bus): applied, relayed to
	 * this process's peers, and projected, unless this replica already has it.
	 */
	async receiveUpdate(name: string, seq: number, update: Uint8Array): Promise<void> {
		if (this.#docs.heard(name, seq, update)) {
			this.#listeners.tellStored(name, seq, undefined);
			return;
		}
		const live = this.#docs.peek(name);
		if (!live) {
			// Not held here: the store has it for whoever loads it.
			this.#listeners.tellStored(name, seq, undefined);
			return;
		}
		await live.run(() => {
			if (this.#docs.peek(name) !== live || live.hasSeq(seq)) return;
			this.#applyStored(live, update);
			this.markSeq(live, seq);
		});
		this.#listeners.tellStored(name, seq, live);
	}

	/** Fills this replica's gaps from the store (after a missed message, or a bus reconnect). */
	async repair(live: LiveDocument): Promise<void> {
		await live.run(async () => {
			if (this.#docs.peek(live.name) === live) await this.catchUp(live);
		});
	}

	/** Applies what the store has past `seenThrough` (inside the document's queue); how many. */
	async catchUp(live: LiveDocument): Promise<number> {
		const tail = await this.#deps.store.since(live.name, live.seenThrough);
		if (!tail) return 0;
		let applied = 0;
		if (tail.snapshot) {
			this.#applyStored(live, tail.snapshot);
			applied += 1;
		}
		for (const { seq, data } of tail.updates) {
			if (live.hasSeq(seq)) continue;
			this.#applyStored(live, data);
			applied += 1;
		}
		live.markThrough(tail.lastSeq);
		return applied;
	}

	/** Every loaded document catches up with the store (the bus reconnected: messages may be lost). */
	async repairAll(): Promise<void> {
		await Promise.all([...this.#docs.loaded()].map((live) => this.repair(live)));
	}

	/** Presence another process's peers announced. */
	receiveAwareness(name: string, update: Uint8Array): void {
		const live = this.#docs.peek(name);
		if (!live) return;
		try {
			applyAwarenessUpdate(live.awareness, update, REMOTE_ORIGIN);
			// Presence another process accepted (stamped with its user): the ids are theirs here too.
			const decoder = decoding.createDecoder(update);
			for (let count = decoding.readVarUint(decoder); count > 0; count -= 1) {
				const client = decoding.readVarUint(decoder);
				decoding.readVarUint(decoder);
				const state = JSON.parse(decoding.readVarString(decoder)) as {
					verifiedUser?: { userId?: unknown };
				} | null;
				const userId = state?.verifiedUser?.userId;
				if (typeof userId === 'string') live.bindPresence(client, userId);
			}
		} catch (error) {
			this.#deps.log.warn({ err: error, doc: name }, 'malformed presence from the bus');
		}
	}

	/** Applies a durable update (stored by another process) and relays it to every peer here. */
	#applyStored(live: LiveDocument, update: Uint8Array): void {
		// Its appends were decided at the document's head (under its lock across the processes, after
		// catching up: see UpdateGate#decide), so they land at this replica's tail. A log that changes
		// order anyway (a store written by an older version) is replayed in the log's order.
		const before = live.log.length;
		let tailOnly = true;
		let logChanged = false;
		const observe = (event: Y.YArrayEvent<unknown>) => {
			logChanged = true;
			const d = event.changes.delta;
			const pureTail =
				(d.length === 1 && before === 0 && d[0]?.insert !== undefined) ||
				(d.length === 2 && d[0]?.retain === before && d[1]?.insert !== undefined);
			if (!pureTail) tailOnly = false;
		};
		live.log.observe(observe);
		try {
			Y.applyUpdate(live.doc, update, REMOTE_ORIGIN);
		} finally {
			live.log.unobserve(observe);
		}
		this.#deps.validator.applyTrusted(live.name, update);
		live.bytes += update.byteLength;
		live.updatesSinceCompaction += 1;
		live.bytesSinceCompaction += update.byteLength;
		live.lastUsed = this.#deps.now();
		const message = encodeUpdate(update);
		for (const peer of live.peers) peer.send(message);
		if (logChanged) {
			if (tailOnly) live.projector.append(live.log.slice(before));
			else {
				live.projector = this.#deps.policy.project(live.ref);
				live.projector.append(live.log.toArray());
			}
			void this.#listeners.logChanged(live, false);
		}
		this.#docs.maybeCompact(live);
	}
}
