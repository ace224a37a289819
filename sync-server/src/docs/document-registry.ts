// The documents the server holds: loads them from the store on demand, decides every incoming
// update (worker analysis, then the domain's checkAppend), stores it before relaying it, appends
// the server's own events, compacts in the background and unloads idle documents.
import type { Logger } from 'pino';
import * as Y from 'yjs';
import type {
	Access,
	AccessPolicy,
	Actor,
	DocumentProjection,
	DocumentRef,
	Related,
	Viewer
} from '../authorize.js';
import { candidateId } from '../authorize.js';
import type { Metrics } from '../metrics.js';
import type { DocumentStore } from '../store/document-store.js';
import type { UpdateValidator } from '../validation/update-validator.js';
import { encodeUpdate, type Refusal } from '../ws/protocol.js';
import { LiveDocument, type SyncPeer } from './live-document.js';

export interface RegistryLimits {
	/** stored size (snapshot plus updates) a document may reach */
	readonly maxDocumentBytes: number;
	readonly compactEveryUpdates: number;
	readonly compactEveryBytes: number;
	readonly idleUnloadMs: number;
	/** how long a projection may keep concurrent appends in arrival order before it is replayed */
	readonly reorderDelayMs: number;
}

export interface RegistryDeps {
	readonly store: DocumentStore;
	readonly validator: UpdateValidator;
	readonly policy: AccessPolicy;
	readonly metrics: Metrics;
	readonly log: Logger;
	readonly limits: RegistryLimits;
	readonly now?: () => number;
}

export type Verdict =
	{ readonly ok: true } | ({ readonly ok: false; readonly message: string } & Refusal);

export type LogListener = (live: LiveDocument) => void;

/**
 * A last check of an update the domain accepted, for rules that need what only the server knows
 * across documents (an email is unique in the whole system). Synchronous: nothing can slip in
 * between the decision and the commit. Returns the refusal, or null to accept.
 */
export type Admission = (
	live: LiveDocument,
	appended: readonly unknown[]
) => { readonly code: string; readonly message: string; readonly eventIds: string[] } | null;

const SERVER_ORIGIN = Symbol('server');
/** how long a retried over-budget update counts against its account and document */
const OVER_BUDGET_WINDOW_MS = 10 * 60_000;
const OVER_BUDGET_RETRIES = 3;
const OVER_BUDGET_MAX_ENTRIES = 10_000;

interface PendingWrite {
	readonly live: LiveDocument;
	readonly seq: number;
	readonly update: Uint8Array;
	readonly origin: SyncPeer | null;
	readonly logChanged: boolean;
	readonly resolve: () => void;
}

export class DocumentRegistry {
	readonly #deps: RegistryDeps;
	readonly #docs = new Map<string, LiveDocument>();
	readonly #listeners = new Set<LogListener>();
	/** for each document, the documents whose access was decided by looking at it */
	readonly #dependents = new Map<string, Set<string>>();
	readonly #unloadTimer: NodeJS.Timeout;
	readonly #now: () => number;
	/** `${account} ${document}` -> since when its updates over the time budget were let retry */
	readonly #overBudget = new Map<string, { since: number; retries: number }>();
	#closing = false;
	#admission: Admission = () => null;
	#pending: PendingWrite[] = [];
	#afterFlush: (() => void)[] = [];
	#flushScheduled = false;

	constructor(deps: RegistryDeps) {
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		this.#unloadTimer = setInterval(
			() => this.unloadIdle(),
			Math.max(1000, deps.limits.idleUnloadMs / 2)
		);
		this.#unloadTimer.unref();
	}

	get policy(): AccessPolicy {
		return this.#deps.policy;
	}

	/** Sets the server-wide check every client update passes after the domain's checkAppend. */
	set admission(admission: Admission) {
		this.#admission = admission;
	}

	/** Called after a document's log grew (access, accounts and connections may need a new look). */
	onLogChanged(listener: LogListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** The document by name, loaded from the store or new and empty; null for an invalid name. */
	get(name: string): LiveDocument | null {
		const loaded = this.#docs.get(name);
		if (loaded) {
			loaded.lastUsed = this.#now();
			return loaded;
		}
		const ref = this.#deps.policy.parse(name);
		if (!ref || this.#closing) return null;
		const canonical = this.#deps.policy.name(ref);
		if (canonical !== name) return null;
		const live = new LiveDocument(
			name,
			ref,
			this.#deps.policy,
			this.#deps.store.load(name),
			this.#now()
		);
		this.#docs.set(name, live);
		this.#deps.metrics.documentsLoaded.set(this.#docs.size);
		return live;
	}

	/** The document if it is in memory (never loads it). */
	peek(name: string): LiveDocument | undefined {
		return this.#docs.get(name);
	}

	loaded(): IterableIterator<LiveDocument> {
		return this.#docs.values();
	}

	/** Names of every stored document (plus loaded ones not stored yet). */
	names(): string[] {
		return [...new Set([...this.#deps.store.names(), ...this.#docs.keys()])].sort();
	}

	/** A document's projection if it exists (stored or loaded); never creates one. */
	projection(ref: DocumentRef): DocumentProjection | undefined {
		const name = this.#deps.policy.name(ref);
		if (!this.#docs.has(name) && !this.#deps.store.exists(name)) return undefined;
		return this.get(name)?.projector.state;
	}

	/**
	 * Opens a document for a viewer: loads it only if it exists or they may open it, so connecting
	 * to made-up names costs no memory. `invalid` for a bad name, `none` when not allowed.
	 */
	openFor(
		name: string,
		viewer: Viewer
	): { live: LiveDocument; access: 'read' | 'write' } | 'invalid' | 'none' {
		const { policy } = this.#deps;
		const ref = policy.parse(name);
		if (!ref || policy.name(ref) !== name || this.#closing) return 'invalid';
		if (!this.#docs.has(name) && !this.#deps.store.exists(name)) {
			const empty = policy.project(ref).state;
			if (policy.access(ref, empty, viewer, (other) => this.projection(other)) === 'none')
				return 'none';
		}
		const live = this.get(name);
		if (!live) return 'invalid';
		const access = this.accessOf(live, viewer);
		return access === 'none' ? 'none' : { live, access };
	}

	/** A viewer's access to a document, remembering which other documents the answer looked at. */
	accessOf(live: LiveDocument, viewer: Viewer): Access {
		const related: Related = (ref) => {
			const other = this.#deps.policy.name(ref);
			let dependents = this.#dependents.get(other);
			if (!dependents) this.#dependents.set(other, (dependents = new Set()));
			dependents.add(live.name);
			return this.projection(ref);
		};
		return this.#deps.policy.access(live.ref, live.projector.state, viewer, related);
	}

	/** Documents whose access depends on `name`'s log. */
	dependentsOf(name: string): string[] {
		return [...(this.#dependents.get(name) ?? [])];
	}

	/** The viewer with the roles their org document gives them now. */
	actorOf(viewer: Viewer): Actor {
		const org = this.projection({ kind: 'org', orgId: viewer.orgId });
		return { ...viewer, roles: this.#deps.policy.rolesOf(org, viewer.userId) };
	}

	/** Decides one incoming update from `peer`; stores, applies and relays it when accepted. */
	submit(live: LiveDocument, update: Uint8Array, peer: SyncPeer): Promise<Verdict> {
		const { validator, policy, metrics, limits, log } = this.#deps;
		return live.run(async () => {
			// Updates queued behind a refused one depend on it: they are never looked at.
			if (!peer.open)
				return { ok: false, code: 'sync_access_revoked', eventIds: [], message: 'closed' };
			const started = performance.now();
			const refuse = (code: string, message: string, eventIds: string[] = []): Verdict => {
				metrics.updatesRefused.inc({ code });
				metrics.validateSeconds.observe((performance.now() - started) / 1000);
				// For the operator: who had what refused, and why (the client keeps it aside).
				log.info(
					{ doc: live.name, user: peer.userId, code, detail: message, events: eventIds.length },
					'update refused'
				);
				return { ok: false, code, eventIds, message };
			};
			const actor = this.actorOf(peer);
			const editable = peer.access === 'write' ? policy.editableParts(live.ref, actor) : [];
			const analysis = await validator.analyze(live, update, editable);
			if (
				!analysis.ok &&
				analysis.code === 'sync_update_too_complex' &&
				this.#mayRetry(peer, live)
			) {
				// A busy machine (not the update) may have made it slow: the client sends it again.
				return refuse('sync_server_busy', analysis.detail);
			}
			if (!analysis.ok) return refuse(analysis.code, analysis.detail);
			if (analysis.noop) return { ok: true };
			if (peer.access !== 'write') {
				validator.drop(live.name);
				return refuse('sync_read_only', 'read-only access', analysis.appended.flatMap(idOf));
			}
			if (live.bytes + update.byteLength > limits.maxDocumentBytes) {
				validator.drop(live.name);
				return refuse(
					'sync_document_too_large',
					'document size limit',
					analysis.appended.flatMap(idOf)
				);
			}
			const state = live.projector.state;
			let firstRefusal: { code: string; message: string } | null = null;
			const refusedIds: string[] = [];
			for (const candidate of analysis.appended) {
				const verdict = policy.checkAppend(live.ref, state, candidate, actor);
				if (!verdict.ok) {
					firstRefusal ??= verdict;
					refusedIds.push(...idOf(candidate));
				}
			}
			if (firstRefusal) {
				validator.drop(live.name);
				return refuse(firstRefusal.code, firstRefusal.message, refusedIds);
			}
			const admission = this.#admission(live, analysis.appended);
			if (admission) {
				validator.drop(live.name);
				return refuse(admission.code, admission.message, admission.eventIds);
			}
			metrics.validateSeconds.observe((performance.now() - started) / 1000);
			await this.#commit(live, update, peer, analysis.appended, analysis.tailOnly);
			return { ok: true };
		});
	}

	/**
	 * The time budget counts wall-clock time, which a starved CPU (or a pause of the worker) stretches
	 * for any update. So an account's updates of a document over it are let retry a few times in a
	 * window, then refused for good (a crafted one is slow every time). Stale entries are swept.
	 */
	#mayRetry(peer: SyncPeer, live: LiveDocument): boolean {
		const now = this.#now();
		for (const [key, entry] of this.#overBudget) {
			if (now - entry.since > OVER_BUDGET_WINDOW_MS) this.#overBudget.delete(key);
		}
		const key = `${peer.accountId} ${live.name}`;
		const entry = this.#overBudget.get(key);
		if (entry) {
			entry.retries += 1;
			return entry.retries <= OVER_BUDGET_RETRIES;
		}
		if (this.#overBudget.size >= OVER_BUDGET_MAX_ENTRIES) return false;
		this.#overBudget.set(key, { since: now, retries: 1 });
		return true;
	}

	/**
	 * Appends events written by the server (system events, the demo workspace) through the same
	 * checks as any client's: each one is checked, stored and relayed before the next.
	 */
	appendEvents(name: string, events: readonly unknown[], actor: Actor): Promise<Verdict> {
		const live = this.get(name);
		if (!live)
			return Promise.resolve({
				ok: false,
				code: 'sync_document_invalid',
				eventIds: [],
				message: name
			});
		return live.run(async () => {
			for (const event of events) {
				const verdict = this.#deps.policy.checkAppend(live.ref, live.projector.state, event, actor);
				if (!verdict.ok) {
					return { ok: false, code: verdict.code, message: verdict.message, eventIds: idOf(event) };
				}
				let update: Uint8Array | null = null;
				const capture = (u: Uint8Array) => {
					update = u;
				};
				live.doc.on('update', capture);
				try {
					live.doc.transact(() => live.log.push([event]), SERVER_ORIGIN);
				} finally {
					live.doc.off('update', capture);
				}
				if (update === null) continue;
				this.#deps.validator.applyTrusted(live.name, update);
				await this.#commit(live, update, null, [event], true, false);
			}
			return { ok: true } as Verdict;
		});
	}

	/**
	 * Appends system events to several documents as one decision. `decide` sees their projections
	 * (in the order of `names`) while none of them takes any other update, and returns the events for
	 * each (or a refusal, and nothing is written). Every event is checked before any is applied; all
	 * are then stored in one SQLite transaction (on disk all or nothing) and relayed. Documents are
	 * locked in name order, so two such decisions can never wait on each other.
	 */
	appendAtomically<R>(
		names: readonly string[],
		decide: (
			states: readonly DocumentProjection[]
		) =>
			| { readonly events: readonly (readonly unknown[])[]; readonly value: R }
			| { readonly refused: R },
		/** who writes; a function when events of several authors land together (by each event) */
		actor: Actor | ((event: unknown) => Actor)
	): Promise<
		| { readonly ok: true; readonly value: R; readonly refused: boolean }
		| Extract<Verdict, { ok: false }>
	> {
		const lives = names.map((name) => this.get(name));
		if (lives.some((live) => live === null) || new Set(names).size !== names.length) {
			return Promise.resolve({
				ok: false as const,
				code: 'sync_document_invalid',
				eventIds: [],
				message: names.join(' ')
			});
		}
		const docs = lives as LiveDocument[];
		const locked = [...docs].sort((a, b) => (a.name < b.name ? -1 : 1));
		const body = async () => {
			const decision = decide(docs.map((live) => live.projector.state));
			if ('refused' in decision)
				return { ok: true as const, value: decision.refused, refused: true };
			const { policy, validator } = this.#deps;
			for (const [index, live] of docs.entries()) {
				for (const event of decision.events[index] ?? []) {
					const author = typeof actor === 'function' ? actor(event) : actor;
					const verdict = policy.checkAppend(live.ref, live.projector.state, event, author);
					if (!verdict.ok)
						return {
							ok: false as const,
							code: verdict.code,
							message: verdict.message,
							eventIds: idOf(event)
						};
				}
			}
			// No await from here until every write is queued: they land in the same flush.
			const commits: Promise<void>[] = [];
			for (const [index, live] of docs.entries()) {
				for (const event of decision.events[index] ?? []) {
					let update: Uint8Array | null = null;
					const capture = (u: Uint8Array) => {
						update = u;
					};
					live.doc.on('update', capture);
					try {
						live.doc.transact(() => live.log.push([event]), SERVER_ORIGIN);
					} finally {
						live.doc.off('update', capture);
					}
					if (update === null) continue;
					validator.applyTrusted(live.name, update);
					commits.push(this.#commit(live, update, null, [event], true, false));
				}
			}
			await Promise.all(commits);
			return { ok: true as const, value: decision.value, refused: false };
		};
		const under = (index: number): Promise<Awaited<ReturnType<typeof body>>> => {
			const live = locked[index];
			return live ? live.run(() => under(index + 1)) : body();
		};
		return under(0);
	}

	/**
	 * Applies an accepted update to the live document and its projection at once (the next update
	 * is decided against them), then stores it with every other update accepted in the same turn of
	 * the event loop (one SQLite transaction), and only then relays it. Resolves once it is durable.
	 */
	#commit(
		live: LiveDocument,
		update: Uint8Array,
		origin: SyncPeer | null,
		appended: readonly unknown[],
		tailOnly: boolean,
		apply = true
	): Promise<void> {
		if (apply) Y.applyUpdate(live.doc, update, origin ?? SERVER_ORIGIN);
		live.lastSeq += 1;
		live.unflushed += 1;
		live.bytes += update.byteLength;
		live.updatesSinceCompaction += 1;
		live.lastUsed = this.#now();
		if (appended.length > 0) {
			live.projector.append(appended);
			// A concurrent append landed before events we had. Until the log is replayed in its new
			// order, the projection has it in arrival order; replaying is O(log), so it is done at most
			// once per `reorderDelayMs` per document, whoever keeps causing it.
			if (!tailOnly) this.#scheduleReplay(live);
		}
		return new Promise((resolve) => {
			this.#pending.push({
				live,
				seq: live.lastSeq,
				update,
				origin,
				logChanged: appended.length > 0,
				resolve
			});
			if (!this.#flushScheduled) {
				this.#flushScheduled = true;
				setImmediate(() => this.#flush());
			}
		});
	}

	/** Runs `task` once everything accepted so far is durable (e.g. answering sync step 1). */
	whenDurable(task: () => void): void {
		if (this.#pending.length === 0) task();
		else this.#afterFlush.push(task);
	}

	#flush(): void {
		const { store, metrics, log } = this.#deps;
		this.#flushScheduled = false;
		const batch = this.#pending;
		const after = this.#afterFlush;
		this.#pending = [];
		this.#afterFlush = [];
		const started = performance.now();
		try {
			store.transaction(() => {
				for (const write of batch)
					store.append(write.live.name, write.seq, write.update, this.#now());
			});
		} catch (error) {
			// The changes are in memory but not on disk and nobody has seen them: stop before anyone does.
			log.fatal({ err: error }, 'could not store accepted updates');
			throw error;
		}
		metrics.persistSeconds.observe((performance.now() - started) / 1000);
		metrics.updatesAccepted.inc(batch.length);
		const corked = new Set<SyncPeer>();
		for (const write of batch) {
			write.live.unflushed -= 1;
			const message = encodeUpdate(write.update);
			for (const peer of write.live.peers) {
				if (peer === write.origin) continue;
				if (!corked.has(peer)) {
					corked.add(peer);
					peer.cork();
				}
				peer.send(message);
			}
			if (write.logChanged) for (const listener of this.#listeners) listener(write.live);
			this.#maybeCompact(write.live);
			write.resolve();
		}
		for (const peer of corked) peer.uncork();
		for (const task of after) task();
	}

	#scheduleReplay(live: LiveDocument): void {
		if (live.replayScheduled) return;
		live.replayScheduled = true;
		const timer = setTimeout(() => {
			void live.run(() => {
				live.replayScheduled = false;
				if (!this.#docs.has(live.name)) return;
				live.projector = this.#deps.policy.project(live.ref);
				live.projector.append(live.log.toArray());
				for (const listener of this.#listeners) listener(live);
			});
		}, this.#deps.limits.reorderDelayMs);
		timer.unref();
	}

	#maybeCompact(live: LiveDocument): void {
		const { limits } = this.#deps;
		if (
			live.updatesSinceCompaction >= limits.compactEveryUpdates ||
			(live.updatesSinceCompaction > 1 && live.bytes >= limits.compactEveryBytes)
		) {
			// Off the update path: the next turn of the event loop, atomically with respect to updates.
			setImmediate(() => this.compact(live));
		}
	}

	/** Replaces the stored updates by one snapshot of the live document (which holds exactly them). */
	compact(live: LiveDocument): void {
		if (live.lastSeq === 0 || live.updatesSinceCompaction <= 1 || live.unflushed > 0) return;
		live.bytes = this.#deps.store.compact(
			live.name,
			Y.encodeStateAsUpdate(live.doc),
			live.lastSeq,
			this.#now()
		);
		live.updatesSinceCompaction = 0;
		this.#deps.metrics.compactions.inc();
	}

	/** Unloads documents nobody is connected to and nothing has used for a while. */
	unloadIdle(force = false): void {
		const cutoff = this.#now() - this.#deps.limits.idleUnloadMs;
		for (const live of this.#docs.values()) {
			if (
				live.peers.size > 0 ||
				live.busy ||
				live.unflushed > 0 ||
				(!force && live.lastUsed > cutoff)
			)
				continue;
			this.compact(live);
			this.#docs.delete(live.name);
			this.#deps.validator.drop(live.name);
			live.destroy();
		}
		this.#deps.metrics.documentsLoaded.set(this.#docs.size);
	}

	/** Waits for every queued update, then compacts what changed. */
	async close(): Promise<void> {
		this.#closing = true;
		clearInterval(this.#unloadTimer);
		await Promise.all([...this.#docs.values()].map((live) => live.idle()));
		for (const live of this.#docs.values()) {
			this.compact(live);
			live.destroy();
		}
		this.#docs.clear();
	}
}

function idOf(candidate: unknown): string[] {
	const id = candidateId(candidate);
	return id === null ? [] : [id];
}
