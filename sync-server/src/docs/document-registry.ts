// The documents the server holds, behind one object that composes the parts loading and unloading
// them (DocumentCache), saying who may open them (DocumentAccess), deciding clients' updates
// (UpdateGate), storing and relaying what is accepted (CommitRelay), applying what other cluster
// processes stored (ClusterReplay) and appending the server's own events (ServerEvents). It holds
// no state of its own: it wires the parts together, so that none of them imports another in a loop.
import type {
	Access,
	AccessPolicy,
	Actor,
	DocumentProjection,
	DocumentRef,
	Viewer
} from '../authorize.js';
import { ClusterReplay } from './cluster-replay.js';
import {
	CommitRelay,
	type AccessListener,
	type AcknowledgedListener,
	type LogListener,
	type StoredListener
} from './commit-relay.js';
import { DocumentAccess } from './document-access.js';
import { DocumentCache } from './document-cache.js';
import type { LiveDocument, SyncPeer } from './live-document.js';
import type { PartDeps, RegistryDeps } from './registry-deps.js';
import { ServerEvents } from './server-events.js';
import { UpdateGate, type Admission, type Verdict } from './update-gate.js';

export type { DocumentBus, RegistryDeps, RegistryLimits } from './registry-deps.js';
export type {
	AccessListener,
	AcknowledgedListener,
	LogListener,
	StoredListener
} from './commit-relay.js';
export type { Admission, AdmissionRefusal, Verdict } from './update-gate.js';

export class DocumentRegistry {
	readonly #policy: AccessPolicy;
	readonly #cache: DocumentCache;
	readonly #access: DocumentAccess;
	readonly #relay: CommitRelay;
	readonly #replay: ClusterReplay;
	readonly #gate: UpdateGate;
	readonly #events: ServerEvents;

	constructor(deps: RegistryDeps) {
		const parts: PartDeps = { ...deps, now: deps.now ?? Date.now };
		this.#policy = deps.policy;
		// The hooks that name a part made further down are called only once the registry is built.
		this.#cache = new DocumentCache(parts, {
			receiveUpdate: (name, seq, update) => this.#replay.receiveUpdate(name, seq, update),
			repair: (live) => this.#replay.repair(live),
			writing: () => this.#relay.writing,
			whenDurable: (task) => this.#relay.whenDurable(task)
		});
		this.#access = new DocumentAccess(deps.policy, this.#cache);
		this.#relay = new CommitRelay(parts, {
			markSeq: (live, seq) => this.#replay.markSeq(live, seq),
			maybeCompact: (live) => this.#cache.maybeCompact(live)
		});
		this.#replay = new ClusterReplay(parts, this.#cache, this.#relay);
		this.#gate = new UpdateGate(parts, {
			access: this.#access,
			replay: this.#replay,
			relay: this.#relay
		});
		this.#events = new ServerEvents(parts, {
			docs: this.#cache,
			access: this.#access,
			replay: this.#replay,
			gate: this.#gate,
			relay: this.#relay
		});
	}

	get policy(): AccessPolicy {
		return this.#policy;
	}

	/** Sets the server-wide check every client update passes after the domain's checkAppend. */
	set admission(admission: Admission) {
		this.#gate.admission = admission;
	}

	// Listeners (CommitRelay): what was committed here or, in a cluster, heard from another process.

	/** Called after a document's log grew (accounts, invitation links, orders may need a look). */
	onLogChanged(listener: LogListener): () => void {
		return this.#relay.onLogChanged(listener);
	}

	/**
	 * Called after any update of any document is stored (by this process or, in a cluster, by
	 * another one, whether or not the document is held here): devices that list the document but
	 * do not have it open are told it changed.
	 */
	onStored(listener: StoredListener): () => void {
		return this.#relay.onStored(listener);
	}

	/**
	 * Like `onLogChanged`, but the writer's acknowledgement waits until `listener` has settled: for
	 * what must be findable once an event is acknowledged (an invitation link's index entry, which
	 * every process of a cluster reads from the shared store). Keep it short: acks wait for it.
	 */
	beforeAcknowledged(listener: AcknowledgedListener): () => void {
		return this.#relay.beforeAcknowledged(listener);
	}

	/**
	 * Called after a document's log grew in a way that may change who has access to it or to the
	 * documents that look at it (its access basis changed; always the first time after loading).
	 */
	onAccessChanged(listener: AccessListener): () => void {
		return this.#relay.onAccessChanged(listener);
	}

	// The documents held here (DocumentCache).

	/** The document by name, loaded from the store or new and empty; null for an invalid name. */
	get(name: string): Promise<LiveDocument | null> {
		return this.#cache.get(name);
	}

	/** The document if it is in memory (never loads it). */
	peek(name: string): LiveDocument | undefined {
		return this.#cache.peek(name);
	}

	loaded(): IterableIterator<LiveDocument> {
		return this.#cache.loaded();
	}

	/** Names of every stored document (plus loaded ones not stored yet). */
	names(): Promise<string[]> {
		return this.#cache.names();
	}

	/** A document's projection if it exists (stored or loaded); never creates one. */
	projection(ref: DocumentRef): Promise<DocumentProjection | undefined> {
		return this.#cache.projection(ref);
	}

	/**
	 * A document's projection with everything the store has (a write another process made a moment
	 * ago included): for answers that must see the asker's own last write (the HTTP API). With one
	 * process it is `projection`.
	 */
	current(ref: DocumentRef): Promise<DocumentProjection | undefined> {
		return this.#cache.current(ref);
	}

	/**
	 * Replaces the stored updates by one snapshot of the live document, which holds every update
	 * up to `seenThrough` (and perhaps later ones: a snapshot may contain more than it replaces).
	 */
	compact(live: LiveDocument): Promise<void> {
		return this.#cache.compact(live);
	}

	/** Unloads documents nobody is connected to and nothing has used for a while. */
	unloadIdle(force = false): Promise<void> {
		return this.#cache.unloadIdle(force);
	}

	/** Waits for every queued update, then compacts what changed. */
	close(): Promise<void> {
		return this.#cache.close();
	}

	// Who may open what, and as whom (DocumentAccess).

	/** The viewer with the roles their org document has now in the store (see `current`). */
	currentActorOf(viewer: Viewer): Promise<Actor> {
		return this.#access.currentActorOf(viewer);
	}

	/** The viewer with the roles their org document gives them now. */
	actorOf(viewer: Viewer): Promise<Actor> {
		return this.#access.actorOf(viewer);
	}

	/**
	 * Opens a document for a viewer: loads it only if it exists or they may open it, so connecting
	 * to made-up names costs no memory. `invalid` for a bad name, `none` when not allowed.
	 */
	openFor(
		name: string,
		viewer: Viewer
	): Promise<{ live: LiveDocument; access: 'read' | 'write' } | 'invalid' | 'none'> {
		return this.#access.openFor(name, viewer);
	}

	/**
	 * A viewer's access to a document, remembering which other documents the answer looked at.
	 * Synchronous: it sees only loaded documents (use `accessFor` unless they are known loaded).
	 */
	accessOf(live: LiveDocument, viewer: Viewer): Access {
		return this.#access.accessOf(live, viewer);
	}

	/** The orgs that could have access to the document now (null: any org could). */
	accessCandidates(live: LiveDocument): readonly string[] | null {
		return this.#access.accessCandidates(live);
	}

	/** Whether a document's name alone may concern `orgId` (see DocumentAccess.namedFor). */
	namedFor(name: string, orgId: string): boolean {
		return this.#access.namedFor(name, orgId);
	}

	/** The documents (stored ones only) whose access for an org this one's state decides. */
	accessGrants(live: LiveDocument): Promise<{ live: LiveDocument; orgId: string }[]> {
		return this.#access.accessGrants(live);
	}

	/** A viewer's access to a document, loading the stored documents the answer looks at. */
	accessFor(live: LiveDocument, viewer: Viewer): Promise<Access> {
		return this.#access.accessFor(live, viewer);
	}

	/** Documents whose access depends on `name`'s log. */
	dependentsOf(name: string): string[] {
		return this.#access.dependentsOf(name);
	}

	// Clients' updates (UpdateGate), and when what was accepted is durable (CommitRelay).

	/** Decides one incoming update from `peer`; stores, applies and relays it when accepted. */
	submit(live: LiveDocument, update: Uint8Array, peer: SyncPeer): Promise<Verdict> {
		return this.#gate.submit(live, update, peer);
	}

	/** Claims `client` for `owner` before it writes anything (see UpdateGate.reserveClient). */
	reserveClient(live: LiveDocument, client: number, owner: string): Promise<void> {
		return this.#gate.reserveClient(live, client, owner);
	}

	/** Counts and logs a refusal (for the operator: who had what refused, and why), and returns it. */
	refused(
		live: LiveDocument,
		peer: SyncPeer,
		verdict: Exclude<Verdict, { ok: true }>
	): Exclude<Verdict, { ok: true }> {
		return this.#gate.refused(live, peer, verdict);
	}

	/** Runs `task` once everything accepted so far is durable (e.g. answering sync step 1). */
	whenDurable(task: () => void): void {
		this.#relay.whenDurable(task);
	}

	// The server's own events (ServerEvents).

	/**
	 * Appends events written by the server (system events, the demo workspace) through the same
	 * checks as any client's: each one is checked, stored and relayed before the next.
	 */
	appendEvents(name: string, events: readonly unknown[], actor: Actor): Promise<Verdict> {
		return this.#events.appendEvents(name, events, actor);
	}

	/** Moves acknowledged history into a document, unchecked (see ServerEvents.appendHistory). */
	appendHistory(name: string, entries: readonly unknown[]): Promise<boolean> {
		return this.#events.appendHistory(name, entries);
	}

	/**
	 * Appends system events to several documents as one decision (see
	 * ServerEvents.appendAtomically): all are checked, then stored in one commit, or none is.
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
		return this.#events.appendAtomically(names, decide, actor);
	}

	/**
	 * Runs `task` while no other process of a cluster runs one locked on any of these keys (see
	 * DocumentStorage.withLocks): for a decision about more than documents (a tenant domain).
	 */
	withLocks<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
		return this.#events.withLocks(keys, task);
	}

	// What other processes of a cluster stored or announced (ClusterReplay).

	/**
	 * An update another process stored under `seq` (heard through the bus): applied, relayed to
	 * this process's peers, and projected, unless this replica already has it.
	 */
	receiveUpdate(name: string, seq: number, update: Uint8Array): Promise<void> {
		return this.#replay.receiveUpdate(name, seq, update);
	}

	/** Fills this replica's gaps from the store (after a missed message, or a bus reconnect). */
	repair(live: LiveDocument): Promise<void> {
		return this.#replay.repair(live);
	}

	/** Every loaded document catches up with the store (the bus reconnected: messages may be lost). */
	repairAll(): Promise<void> {
		return this.#replay.repairAll();
	}

	/** Presence another process's peers announced. */
	receiveAwareness(name: string, update: Uint8Array): void {
		this.#replay.receiveAwareness(name, update);
	}
}
