// The documents held in memory: loaded from the store on demand (once, however many ask at once),
// compacted in the background, unloaded when idle and closed in order. Replaying what other
// processes stored and waiting for writes are asked of the parts that do them (CacheHooks).
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocumentProjection, DocumentRef } from '../authorize.js';
import { LiveDocument, REMOTE_ORIGIN } from './live-document.js';
import type { PartDeps } from './registry-deps.js';

/** What the cache asks of the other parts (wired by DocumentRegistry: no import loop). */
export interface CacheHooks {
	/** replays an update another process stored while its document was loading (ClusterReplay) */
	receiveUpdate(name: string, seq: number, update: Uint8Array): Promise<void>;
	/** fills a document's gaps from the store (ClusterReplay) */
	repair(live: LiveDocument): Promise<void>;
	/** whether accepted updates are still waiting to be stored (CommitRelay) */
	writing(): boolean;
	/** runs `task` once everything accepted so far is durable (CommitRelay) */
	whenDurable(task: () => void): void;
}

type CacheDeps = Pick<
	PartDeps,
	'store' | 'bus' | 'policy' | 'validator' | 'metrics' | 'log' | 'limits' | 'now'
>;

export class DocumentCache {
	readonly #deps: CacheDeps;
	readonly #hooks: CacheHooks;
	readonly #docs = new Map<string, LiveDocument>();
	readonly #unloadTimer: NodeJS.Timeout;
	#closing = false;
	readonly #loading = new Map<string, Promise<LiveDocument | null>>();
	/**
	 * Names the store did not have, and when that was seen: access decisions look at related
	 * documents that often do not exist, and asking a shared store each time would cost a round
	 * trip per decision. Forgotten when the document appears here or on the bus, or after 5 s.
	 */
	readonly #absent = new Map<string, number>();
	/** updates heard from other processes while their document was loading */
	readonly #heardWhileLoading = new Map<string, { seq: number; update: Uint8Array }[]>();

	constructor(deps: CacheDeps, hooks: CacheHooks) {
		this.#deps = deps;
		this.#hooks = hooks;
		this.#unloadTimer = setInterval(
			() => void this.unloadIdle(),
			Math.max(1000, deps.limits.idleUnloadMs / 2)
		);
		this.#unloadTimer.unref();
	}

	/** Whether `close` has begun (nothing is loaded from then on). */
	get closing(): boolean {
		return this.#closing;
	}

	/** The document by name, loaded from the store or new and empty; null for an invalid name. */
	get(name: string): Promise<LiveDocument | null> {
		const loaded = this.#docs.get(name);
		if (loaded) {
			loaded.lastUsed = this.#deps.now();
			return Promise.resolve(loaded);
		}
		const ref = this.#deps.policy.parse(name);
		if (!ref || this.#closing) return Promise.resolve(null);
		const canonical = this.#deps.policy.name(ref);
		if (canonical !== name) return Promise.resolve(null);
		let loading = this.#loading.get(name);
		if (!loading) {
			this.#heardWhileLoading.set(name, []);
			loading = this.#deps.store.load(name).then(
				(stored) => {
					this.#loading.delete(name);
					const heard = this.#heardWhileLoading.get(name) ?? [];
					this.#heardWhileLoading.delete(name);
					if (this.#closing) return null;
					const live = new LiveDocument(name, ref, this.#deps.policy, stored, this.#deps.now());
					this.#absent.delete(name);
					this.#attachBus(live);
					this.#docs.set(name, live);
					this.#deps.metrics.documentsLoaded.set(this.#docs.size);
					for (const { seq, update } of heard) void this.#hooks.receiveUpdate(name, seq, update);
					return live;
				},
				(error: unknown) => {
					this.#loading.delete(name);
					this.#heardWhileLoading.delete(name);
					throw error;
				}
			);
			this.#loading.set(name, loading);
		}
		return loading;
	}

	/** Presence changed here by this process's own peers goes to the other processes too. */
	#attachBus(live: LiveDocument): void {
		const { bus } = this.#deps;
		if (!bus) return;
		live.awareness.on(
			'update',
			(
				{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
				origin: unknown
			) => {
				// Remote states time out on every process by itself; only what our peers said is news.
				if (origin === REMOTE_ORIGIN || origin === 'timeout') return;
				const changed = added.concat(updated, removed);
				if (changed.length > 0) {
					bus.publishAwareness(live.name, encodeAwarenessUpdate(live.awareness, changed));
				}
			}
		);
	}

	/** The document if it is in memory (never loads it). */
	peek(name: string): LiveDocument | undefined {
		return this.#docs.get(name);
	}

	/** Whether the document is in memory. */
	has(name: string): boolean {
		return this.#docs.has(name);
	}

	loaded(): IterableIterator<LiveDocument> {
		return this.#docs.values();
	}

	/**
	 * An update another process stored under `seq` was heard for `name` (it exists): kept to be
	 * replayed once the document is loaded if it is loading now (true), else left to the caller.
	 */
	heard(name: string, seq: number, update: Uint8Array): boolean {
		this.#absent.delete(name);
		const heard = this.#heardWhileLoading.get(name);
		if (!heard) return false;
		heard.push({ seq, update });
		return true;
	}

	/** Whether the store has `name` (a recent "no" is remembered; see `#absent`). */
	async stored(name: string): Promise<boolean> {
		const seen = this.#absent.get(name);
		if (seen !== undefined && this.#deps.now() - seen < 5000) return false;
		const exists = await this.#deps.store.exists(name);
		if (exists) this.#absent.delete(name);
		else {
			if (this.#absent.size >= 10_000) this.#absent.clear();
			this.#absent.set(name, this.#deps.now());
		}
		return exists;
	}

	/** Names of every stored document (plus loaded ones not stored yet). */
	async names(): Promise<string[]> {
		return [...new Set([...(await this.#deps.store.names()), ...this.#docs.keys()])].sort();
	}

	/** A document's projection if it exists (stored or loaded); never creates one. */
	async projection(ref: DocumentRef): Promise<DocumentProjection | undefined> {
		const name = this.#deps.policy.name(ref);
		if (!this.#docs.has(name) && !(await this.stored(name))) return undefined;
		return (await this.get(name))?.projector.state;
	}

	/**
	 * A document's projection with everything the store has (a write another process made a moment
	 * ago included): for answers that must see the asker's own last write (the HTTP API). With one
	 * process it is `projection`.
	 */
	async current(ref: DocumentRef): Promise<DocumentProjection | undefined> {
		if (!this.#deps.bus) return this.projection(ref);
		const name = this.#deps.policy.name(ref);
		if (!this.#docs.has(name)) {
			if (!(await this.#deps.store.exists(name))) return undefined;
			this.#absent.delete(name);
		}
		const live = await this.get(name);
		if (!live) return undefined;
		await this.#hooks.repair(live);
		return live.projector.state;
	}

	/** Compacts the document soon if what was stored since its snapshot has grown enough. */
	maybeCompact(live: LiveDocument): void {
		const { limits } = this.#deps;
		if (
			live.updatesSinceCompaction >= limits.compactEveryUpdates ||
			// The tail, not the whole document: a document past the threshold would otherwise be
			// re-encoded whole on every write.
			(live.updatesSinceCompaction > 1 && live.bytesSinceCompaction >= limits.compactEveryBytes)
		) {
			// Off the update path: the next turn of the event loop, atomically with respect to updates.
			setImmediate(() => {
				void live
					.run(() => this.compact(live))
					.catch((error: unknown) => {
						this.#deps.log.error({ err: error, doc: live.name }, 'compaction failed');
					});
			});
		}
	}

	/**
	 * Replaces the stored updates by one snapshot of the live document, which holds every update
	 * up to `seenThrough` (and perhaps later ones: a snapshot may contain more than it replaces).
	 */
	async compact(live: LiveDocument): Promise<void> {
		if (live.seenThrough === 0 || live.updatesSinceCompaction <= 1 || live.unflushed > 0) return;
		live.updatesSinceCompaction = 0;
		live.bytesSinceCompaction = 0;
		live.bytes = await this.#deps.store.compact(
			live.name,
			Y.encodeStateAsUpdate(live.doc),
			live.seenThrough,
			this.#deps.now()
		);
		this.#deps.metrics.compactions.inc();
	}

	/** Unloads documents nobody is connected to and nothing has used for a while. */
	async unloadIdle(force = false): Promise<void> {
		const cutoff = this.#deps.now() - this.#deps.limits.idleUnloadMs;
		const idle = [...this.#docs.values()].filter(
			(live) =>
				live.peers.size === 0 &&
				!live.busy &&
				live.unflushed === 0 &&
				(force || live.lastUsed <= cutoff)
		);
		for (const live of idle) {
			this.#docs.delete(live.name);
			this.#deps.validator.drop(live.name);
		}
		this.#deps.metrics.documentsLoaded.set(this.#docs.size);
		await Promise.all(
			idle.map(async (live) => {
				try {
					await this.compact(live);
				} catch (error) {
					this.#deps.log.error({ err: error, doc: live.name }, 'compaction failed');
				}
				live.destroy();
			})
		);
	}

	/** Waits for every queued update, then compacts what changed. */
	async close(): Promise<void> {
		this.#closing = true;
		clearInterval(this.#unloadTimer);
		await Promise.all([...this.#loading.values()].map((p) => p.catch(() => null)));
		await Promise.all([...this.#docs.values()].map((live) => live.idle()));
		while (this.#hooks.writing()) {
			await new Promise<void>((resolve) => this.#hooks.whenDurable(resolve));
		}
		for (const live of this.#docs.values()) {
			try {
				await this.compact(live);
			} catch (error) {
				this.#deps.log.error({ err: error, doc: live.name }, 'compaction failed');
			}
			live.destroy();
		}
		this.#docs.clear();
	}
}
