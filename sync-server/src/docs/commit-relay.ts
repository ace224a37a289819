// Accepted updates on their way out: applied at once, stored with everything else accepted in the
// same turn of the event loop (one commit), and only then relayed to peers, the listeners and the
// cluster bus. Knows when what was accepted is durable.
import * as Y from 'yjs';
import { encodeUpdate } from '../wire-format.js';
import type { LiveDocument, SyncPeer } from './live-document.js';
import { SERVER_ORIGIN, type PartDeps } from './registry-deps.js';

export type LogListener = (live: LiveDocument) => void;
/**
 * A document's stored update `seq` was committed here or heard from another process (`live`: the
 * document if it is held here, with the update applied).
 */
export type StoredListener = (name: string, seq: number, live: LiveDocument | undefined) => void;
/** `committed`: this process stored the change (not heard from another process of the cluster). */
export type AccessListener = (live: LiveDocument, committed: boolean) => void;
/** A listener whose work the writer's acknowledgement waits for. */
export type AcknowledgedListener = (live: LiveDocument) => Promise<void>;

/** What a stored write asks of the other parts (wired by DocumentRegistry: no import loop) */
export interface RelayHooks {
	/** notes that the document holds the stored update `seq` (ClusterReplay repairs any gap) */
	markSeq(live: LiveDocument, seq: number): unknown;
	/** compacts the document soon if it grew enough (DocumentCache) */
	maybeCompact(live: LiveDocument): void;
}

interface PendingWrite {
	readonly live: LiveDocument;
	readonly update: Uint8Array;
	readonly origin: SyncPeer | null;
	readonly logChanged: boolean;
	readonly resolve: () => void;
}

type RelayDeps = Pick<PartDeps, 'store' | 'bus' | 'policy' | 'metrics' | 'log' | 'now'>;

export class CommitRelay {
	readonly #deps: RelayDeps;
	readonly #hooks: RelayHooks;
	readonly #listeners = new Set<LogListener>();
	readonly #storedListeners = new Set<StoredListener>();
	readonly #beforeAck = new Set<AcknowledgedListener>();
	readonly #accessListeners = new Set<AccessListener>();
	#pending: PendingWrite[] = [];
	#afterFlush: (() => void)[] = [];
	#flushScheduled = false;
	#flushing = false;

	constructor(deps: RelayDeps, hooks: RelayHooks) {
		this.#deps = deps;
		this.#hooks = hooks;
	}

	/** Called after a document's log grew (accounts, invitation links, orders may need a look). */
	onLogChanged(listener: LogListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/**
	 * Called after any update of any document is stored (by this process or, in a cluster, by
	 * another one, whether or not the document is held here): devices that list the document but
	 * do not have it open are told it changed.
	 */
	onStored(listener: StoredListener): () => void {
		this.#storedListeners.add(listener);
		return () => this.#storedListeners.delete(listener);
	}

	tellStored(name: string, seq: number, live: LiveDocument | undefined): void {
		for (const listener of this.#storedListeners) listener(name, seq, live);
	}

	/**
	 * Like `onLogChanged`, but the writer's acknowledgement waits until `listener` has settled: for
	 * what must be findable once an event is acknowledged (an invitation link's index entry, which
	 * every process of a cluster reads from the shared store). Keep it short: acks wait for it.
	 */
	beforeAcknowledged(listener: AcknowledgedListener): () => void {
		this.#beforeAck.add(listener);
		return () => this.#beforeAck.delete(listener);
	}

	/**
	 * Called after a document's log grew in a way that may change who has access to it or to the
	 * documents that look at it (its access basis changed; always the first time after loading).
	 * Most edits change no one's access, and rechecking a crowded document's connections costs one
	 * decision per connection.
	 */
	onAccessChanged(listener: AccessListener): () => void {
		this.#accessListeners.add(listener);
		return () => this.#accessListeners.delete(listener);
	}

	/** Tells the listeners; returns what an acknowledgement of this change must wait for. */
	logChanged(live: LiveDocument, committed: boolean): Promise<unknown>[] {
		const gates = [...this.#beforeAck].map((listener) => listener(live));
		for (const listener of this.#listeners) listener(live);
		const basis = this.#deps.policy.basis(live.projector.state);
		if (basis !== live.accessBasis) {
			live.accessBasis = basis;
			for (const listener of this.#accessListeners) listener(live, committed);
		}
		return gates;
	}

	/**
	 * Applies an accepted update to the live document and its projection at once (the next update
	 * is decided against them), then stores it with every other update accepted in the same turn of
	 * the event loop (one commit), and only then relays it. Resolves once it is durable.
	 */
	commit(
		live: LiveDocument,
		update: Uint8Array,
		origin: SyncPeer | null,
		appended: readonly unknown[],
		apply = true
	): Promise<void> {
		if (apply) Y.applyUpdate(live.doc, update, origin ?? SERVER_ORIGIN);
		live.unflushed += 1;
		live.bytes += update.byteLength;
		live.updatesSinceCompaction += 1;
		live.bytesSinceCompaction += update.byteLength;
		live.lastUsed = this.#deps.now();
		// The analysis admitted only appends at the tail (server events are pushed at it): the
		// projection grows by exactly these events, in this order, and what it already had stays.
		if (appended.length > 0) live.projector.append(appended);
		return new Promise((resolve) => {
			this.#pending.push({ live, update, origin, logChanged: appended.length > 0, resolve });
			this.#scheduleFlush();
		});
	}

	#scheduleFlush(): void {
		if (this.#flushScheduled || this.#flushing) return;
		this.#flushScheduled = true;
		setImmediate(() => {
			this.#flushScheduled = false;
			void this.#flush();
		});
	}

	/** Whether accepted updates are still waiting to be stored (or being stored). */
	get writing(): boolean {
		return this.#flushing || this.#pending.length > 0;
	}

	/** Runs `task` once everything accepted so far is durable (e.g. answering sync step 1). */
	whenDurable(task: () => void): void {
		if (this.#pending.length === 0 && !this.#flushing) task();
		else this.#afterFlush.push(task);
	}

	/** One commit at a time: what is accepted meanwhile waits for the next, in order. */
	async #flush(): Promise<void> {
		const { store, metrics, log, bus } = this.#deps;
		if (this.#pending.length === 0) {
			const after = this.#afterFlush;
			this.#afterFlush = [];
			for (const task of after) task();
			return;
		}
		this.#flushing = true;
		const batch = this.#pending;
		const after = this.#afterFlush;
		this.#pending = [];
		this.#afterFlush = [];
		const started = performance.now();
		let seqs: number[];
		try {
			seqs = await store.append(
				batch.map((write) => ({ name: write.live.name, update: write.update })),
				this.#deps.now()
			);
		} catch (error) {
			// The changes are in memory but not stored and nobody has seen them: stop before anyone does.
			log.fatal({ err: error }, 'could not store accepted updates');
			setImmediate(() => {
				throw error;
			});
			return;
		}
		this.#flushing = false;
		metrics.persistSeconds.observe((performance.now() - started) / 1000);
		metrics.updatesAccepted.inc(batch.length);
		const corked = new Set<SyncPeer>();
		const published: { name: string; seq: number; update: Uint8Array }[] = [];
		batch.forEach((write, i) => {
			const seq = seqs[i] ?? 0;
			write.live.unflushed -= 1;
			this.#hooks.markSeq(write.live, seq);
			published.push({ name: write.live.name, seq, update: write.update });
			const message = encodeUpdate(write.update);
			for (const peer of write.live.peers) {
				if (peer === write.origin) continue;
				if (!corked.has(peer)) {
					corked.add(peer);
					peer.cork();
				}
				peer.send(message);
			}
			const gates = write.logChanged ? this.logChanged(write.live, true) : [];
			this.tellStored(write.live.name, seq, write.live);
			this.#hooks.maybeCompact(write.live);
			if (gates.length === 0) write.resolve();
			else void Promise.allSettled(gates).then(write.resolve);
		});
		for (const peer of corked) peer.uncork();
		bus?.publishUpdates(published);
		for (const task of after) task();
		if (this.#pending.length > 0) this.#scheduleFlush();
		else {
			const waiting = this.#afterFlush;
			this.#afterFlush = [];
			for (const task of waiting) task();
		}
	}
}
