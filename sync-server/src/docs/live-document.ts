// One document held in memory: its Yjs replica, presence, the projection of its log, the peers
// connected to it, and a queue so its updates are decided one at a time, in arrival order.
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { AccessPolicy, DocumentProjector, DocumentRef } from '../authorize.js';
import type { StoredDocument } from '../store/storage.js';
import type { ShadowSpec } from '../validation/update-analysis.js';
import { remember } from '../window-budget.js';
import { encodeAwareness } from '../wire-format.js';
import { isHlcTimestamp } from '$lib/domain/clock';

/**
 * A presence frame goes to every peer, and the stock client sends each one it hears back (its echo):
 * on a document with N peers, N renewals cost N^2 frames each way. So a document sends presence at
 * most once per this many milliseconds per peer (a room of 10 waits at most 10 ms, one of 1,500 at
 * most 1.5 s, well inside the client's 30 s timeout): about 1,000 peer frames a second per document,
 * whatever its size. Changes meanwhile go out together in the next frame.
 */
export const PRESENCE_MS_PER_PEER = 1;

/** presence client ids a document remembers the user of (a few per viewer it has had) */
const MAX_PRESENCE_BINDINGS = 10_000;

/** The origin of changes another process made (heard through the cluster bus). */
export const REMOTE_ORIGIN = Symbol('remote');

/** A connection as the document sees it. */
export interface SyncPeer {
	readonly id: number;
	readonly accountId: string;
	readonly sessionId: string;
	readonly userId: string;
	readonly orgId: string;
	access: 'read' | 'write';
	/** false once closing: its queued updates are dropped, never applied */
	readonly open: boolean;
	send(message: Uint8Array): void;
	/** holds writes to the network until `uncork` (many messages, one system call) */
	cork(): void;
	uncork(): void;
	close(code: number, reason: string): void;
}

export class LiveDocument {
	readonly name: string;
	readonly ref: DocumentRef;
	readonly spec: ShadowSpec;
	readonly doc: Y.Doc;
	readonly log: Y.Array<unknown>;
	readonly awareness: Awareness;
	readonly peers = new Set<SyncPeer>();
	/** which connection announced each presence client id (nobody may speak for another's) */
	readonly awarenessOwners = new Map<number, SyncPeer>();
	/** owners of Yjs client ids learnt from the store (ownership never changes: safe to keep) */
	readonly clientOwners = new Map<number, string>();
	/**
	 * The user who first used each presence client id on this document, kept after they disconnect:
	 * the id stays theirs (their reconnecting client reuses it), so nobody else can take it over and
	 * be shown where their presence was. Bounded, the least recently used forgotten first.
	 */
	readonly #presenceUsers = new Map<number, string>();
	projector: DocumentProjector;
	/** the access basis its access listeners last heard of (null: none yet since it was loaded) */
	accessBasis: string | null = null;
	/** every stored update up to this sequence number is in `doc` (0: none) */
	seenThrough: number;
	/** stored updates past `seenThrough` already in `doc` (heard out of order) */
	readonly #ahead = new Set<number>();
	gapTimer: NodeJS.Timeout | null = null;
	/** stored bytes (snapshot plus updates since) */
	bytes: number;
	updatesSinceCompaction: number;
	/** bytes of the updates stored after the snapshot (what compaction folds into it) */
	bytesSinceCompaction: number;
	/** accepted updates applied here but not yet committed to the store */
	unflushed = 0;
	lastUsed: number;
	#queue: Promise<unknown> = Promise.resolve();
	/** presence clients changed since the last presence frame went out */
	readonly #presenceChanged = new Set<number>();
	#presenceSentAt = -Infinity;
	#destroyed = false;
	#queued = 0;

	constructor(
		name: string,
		ref: DocumentRef,
		policy: AccessPolicy,
		stored: StoredDocument | null,
		now: number
	) {
		this.name = name;
		this.ref = ref;
		this.spec = policy.shadowSpec(ref);
		this.doc = new Y.Doc({ gc: true });
		this.log = this.doc.getArray(this.spec.logKey);
		for (const [part, type] of Object.entries(this.spec.parts)) {
			if (type === 'text') this.doc.getText(part);
			else if (type === 'map') this.doc.getMap(part);
			else if (type === 'array') this.doc.getArray(part);
			else this.doc.getXmlFragment(part);
		}
		if (stored?.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
		for (const update of stored?.updates ?? []) Y.applyUpdate(this.doc, update);
		// The server writes system events under this replica's id: never one already in the history.
		while (this.doc.store.clients.has(this.doc.clientID)) {
			this.doc.clientID = Math.floor(Math.random() * 0xffffffff);
		}
		this.seenThrough = stored?.lastSeq ?? 0;
		this.bytes = stored?.bytes ?? 0;
		this.updatesSinceCompaction = stored?.updates.length ?? 0;
		this.bytesSinceCompaction = (stored?.updates ?? []).reduce((sum, u) => sum + u.byteLength, 0);
		this.projector = policy.project(ref);
		this.projector.append(this.log.toArray());
		this.awareness = new Awareness(this.doc);
		// The server has no presence of its own.
		this.awareness.setLocalState(null);
		// Presence goes to every peer, the sender included: the stock client reconnects after 30 s
		// without hearing anything, and its own presence renewal is what it hears on a quiet document.
		// Changes of one turn of the event loop (and, on a crowded document, of the wait before the
		// next frame; see PRESENCE_MS_PER_PEER) go out as one frame: a page of N people renewing
		// together costs each peer one frame, not N (and their N echoes back).
		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
				const first = this.#presenceChanged.size === 0;
				for (const client of added.concat(updated, removed)) this.#presenceChanged.add(client);
				if (!first || this.#presenceChanged.size === 0) return;
				const wait =
					this.#presenceSentAt + this.peers.size * PRESENCE_MS_PER_PEER - performance.now();
				if (wait <= 0) setImmediate(this.#sendPresence);
				else setTimeout(this.#sendPresence, wait).unref();
			}
		);
		this.lastUsed = now;
	}

	/** sequence number of the last stored update this replica has in order (0: never stored) */
	get lastSeq(): number {
		return this.seenThrough;
	}

	/**
	 * Where the document is in its log, as the channel lists it: the last stored update it holds
	 * without a gap, and when its log's last event was made (a device syncs recent ones first).
	 */
	version(): { version: number; changedAt: string } {
		const last =
			this.log.length > 0 ? (this.log.get(this.log.length - 1) as { at?: unknown }) : null;
		return { version: this.seenThrough, changedAt: isHlcTimestamp(last?.at) ? last.at : '' };
	}

	hasSeq(seq: number): boolean {
		return seq <= this.seenThrough || this.#ahead.has(seq);
	}

	/** Records that the stored update `seq` is in `doc`; false if it already was. */
	markSeq(seq: number): boolean {
		if (this.hasSeq(seq)) return false;
		if (seq === this.seenThrough + 1) {
			this.seenThrough = seq;
			while (this.#ahead.delete(this.seenThrough + 1)) this.seenThrough += 1;
		} else this.#ahead.add(seq);
		return true;
	}

	/** Everything up to `seq` is in `doc` (filled from the store). */
	markThrough(seq: number): void {
		if (seq > this.seenThrough) this.seenThrough = seq;
		for (const ahead of this.#ahead) if (ahead <= this.seenThrough) this.#ahead.delete(ahead);
		while (this.#ahead.delete(this.seenThrough + 1)) this.seenThrough += 1;
	}

	/** some stored update before one this replica has is missing here */
	get hasGap(): boolean {
		return this.#ahead.size > 0;
	}

	/** Runs `task` after every task queued before it (a failing task does not block the next). */
	run<T>(task: () => Promise<T> | T): Promise<T> {
		this.#queued += 1;
		const result = this.#queue.then(task);
		this.#queue = result
			.catch(() => undefined)
			.finally(() => {
				this.#queued -= 1;
			});
		return result;
	}

	get busy(): boolean {
		return this.#queued > 0;
	}

	/** Resolves once everything queued so far has finished. */
	idle(): Promise<void> {
		return this.run(() => undefined);
	}

	readonly #sendPresence = (): void => {
		const changed = [...this.#presenceChanged];
		this.#presenceChanged.clear();
		if (this.#destroyed || changed.length === 0) return;
		this.#presenceSentAt = performance.now();
		const message = encodeAwareness(encodeAwarenessUpdate(this.awareness, changed));
		for (const peer of this.peers) peer.send(message);
	};

	encodeState(): Uint8Array {
		return Y.encodeStateAsUpdate(this.doc);
	}

	destroy(): void {
		this.#destroyed = true;
		if (this.gapTimer) clearTimeout(this.gapTimer);
		this.awareness.destroy();
		this.doc.destroy();
	}

	/**
	 * Binds a presence client id to `userId` unless another user has it: false when it is
	 * another's (the claim is dropped).
	 */
	bindPresence(client: number, userId: string): boolean {
		const bound = this.#presenceUsers.get(client);
		if (bound !== undefined && bound !== userId) return false;
		remember(this.#presenceUsers, client, userId, MAX_PRESENCE_BINDINGS);
		return true;
	}
}
