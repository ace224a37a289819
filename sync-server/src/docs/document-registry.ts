// The documents the server holds: loads them from the store on demand, decides every incoming
// update (worker analysis, then the domain's checkAppend), stores it before relaying it, appends
// the server's own events, compacts in the background and unloads idle documents. In a cluster it
// also applies the updates other processes stored (heard through the bus, each with the sequence
// number the store gave it) and fills any gap in those numbers from the store.
import type { Logger } from 'pino';
import * as decoding from 'lib0/decoding';
import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
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
import { claimsFor } from './client-claims.js';
import { SERVER_OWNER, type DocumentStorage } from '../store/storage.js';
import type { Analysis } from '../validation/update-analysis.js';
import type { UpdateValidator } from '../validation/update-validator.js';
import { encodeUpdate, type Refusal } from '../wire-format.js';
import { LiveDocument, REMOTE_ORIGIN, type SyncPeer } from './live-document.js';

export interface RegistryLimits {
	/** stored size (snapshot plus updates) a document may reach */
	readonly maxDocumentBytes: number;
	readonly compactEveryUpdates: number;
	/** updates stored after the snapshot weighing this much are folded into it */
	readonly compactEveryBytes: number;
	readonly idleUnloadMs: number;
	/** how long a gap in the sequence numbers heard from other processes may last before the store fills it */
	readonly gapRepairMs?: number;
}

/** Where accepted updates and presence go for the other processes of a cluster (none alone). */
export interface DocumentBus {
	publishUpdates(updates: readonly { name: string; seq: number; update: Uint8Array }[]): void;
	publishAwareness(name: string, update: Uint8Array): void;
}

export interface RegistryDeps {
	readonly store: DocumentStorage;
	readonly bus?: DocumentBus;
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
 * A document's stored update `seq` was committed here or heard from another process (`live`: the
 * document if it is held here, with the update applied).
 */
export type StoredListener = (name: string, seq: number, live: LiveDocument | undefined) => void;
/** `committed`: this process stored the change (not heard from another process of the cluster). */
export type AccessListener = (live: LiveDocument, committed: boolean) => void;
/** A listener whose work the writer's acknowledgement waits for. */
export type AcknowledgedListener = (live: LiveDocument) => Promise<void>;

/**
 * A last check of an update the domain accepted, for rules that need what only the server knows
 * across documents (an email is unique in the whole system). It runs while the document's queue is
 * held (nothing else is decided for it meanwhile); an admission that asks the store must claim what
 * it admits before it awaits. Returns the refusal, or null to accept.
 */
export type AdmissionRefusal = {
	readonly code: string;
	readonly message: string;
	readonly eventIds: string[];
};
export type Admission = (
	live: LiveDocument,
	appended: readonly unknown[]
) => AdmissionRefusal | null | Promise<AdmissionRefusal | null>;

const SERVER_ORIGIN = Symbol('server');
/** how long a retried over-budget update counts against its account and document */
const OVER_BUDGET_WINDOW_MS = 10 * 60_000;
const OVER_BUDGET_RETRIES = 3;
const OVER_BUDGET_MAX_ENTRIES = 10_000;
/**
 * Client ids one update may claim: a device's offline work from several page loads (each has its
 * own id) and the tabs it shared them with, with room to spare; each claim is a stored row.
 */

interface PendingWrite {
	readonly live: LiveDocument;
	readonly update: Uint8Array;
	readonly origin: SyncPeer | null;
	readonly logChanged: boolean;
	readonly resolve: () => void;
}

export class DocumentRegistry {
	readonly #deps: RegistryDeps;
	readonly #docs = new Map<string, LiveDocument>();
	readonly #listeners = new Set<LogListener>();
	readonly #storedListeners = new Set<StoredListener>();
	readonly #beforeAck = new Set<AcknowledgedListener>();
	readonly #accessListeners = new Set<AccessListener>();
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
	#flushing = false;
	readonly #loading = new Map<string, Promise<LiveDocument | null>>();
	/**
	 * Names the store did not have, and when that was seen: access decisions look at related
	 * documents that often do not exist, and asking a shared store each time would cost a round
	 * trip per decision. Forgotten when the document appears here or on the bus, or after 5 s.
	 */
	readonly #absent = new Map<string, number>();
	/** updates heard from other processes while their document was loading */
	readonly #heardWhileLoading = new Map<string, { seq: number; update: Uint8Array }[]>();

	constructor(deps: RegistryDeps) {
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		this.#unloadTimer = setInterval(
			() => void this.unloadIdle(),
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

	#tellStored(name: string, seq: number, live: LiveDocument | undefined): void {
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
	#logChanged(live: LiveDocument, committed: boolean): Promise<unknown>[] {
		const gates = [...this.#beforeAck].map((listener) => listener(live));
		for (const listener of this.#listeners) listener(live);
		const basis = this.#deps.policy.basis(live.projector.state);
		if (basis !== live.accessBasis) {
			live.accessBasis = basis;
			for (const listener of this.#accessListeners) listener(live, committed);
		}
		return gates;
	}

	/** The document by name, loaded from the store or new and empty; null for an invalid name. */
	get(name: string): Promise<LiveDocument | null> {
		const loaded = this.#docs.get(name);
		if (loaded) {
			loaded.lastUsed = this.#now();
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
					const live = new LiveDocument(name, ref, this.#deps.policy, stored, this.#now());
					this.#absent.delete(name);
					this.#attachBus(live);
					this.#docs.set(name, live);
					this.#deps.metrics.documentsLoaded.set(this.#docs.size);
					for (const { seq, update } of heard) void this.receiveUpdate(name, seq, update);
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

	loaded(): IterableIterator<LiveDocument> {
		return this.#docs.values();
	}

	/** Whether the store has `name` (a recent "no" is remembered; see `#absent`). */
	async #stored(name: string): Promise<boolean> {
		const seen = this.#absent.get(name);
		if (seen !== undefined && this.#now() - seen < 5000) return false;
		const exists = await this.#deps.store.exists(name);
		if (exists) this.#absent.delete(name);
		else {
			if (this.#absent.size >= 10_000) this.#absent.clear();
			this.#absent.set(name, this.#now());
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
		if (!this.#docs.has(name) && !(await this.#stored(name))) return undefined;
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
		await this.repair(live);
		return live.projector.state;
	}

	/** The viewer with the roles their org document has now in the store (see `current`). */
	async currentActorOf(viewer: Viewer): Promise<Actor> {
		const org = await this.current({ kind: 'org', orgId: viewer.orgId });
		return { ...viewer, roles: this.#deps.policy.rolesOf(org, viewer.userId) };
	}

	/**
	 * Runs a synchronous decision that may look at other documents' projections, after loading
	 * every stored one it looks at (a few rounds at most: an answer looks one or two documents away).
	 */
	async #resolve<T>(decide: (related: Related) => T): Promise<T> {
		const absent = new Set<string>();
		for (let round = 0; round < 6; round += 1) {
			const missing = new Set<string>();
			const result = decide((ref) => {
				const name = this.#deps.policy.name(ref);
				const live = this.#docs.get(name);
				if (live) return live.projector.state;
				if (!absent.has(name)) missing.add(name);
				return undefined;
			});
			if (missing.size === 0) return result;
			await Promise.all(
				[...missing].map(async (name) => {
					if (!(await this.#stored(name)) || !(await this.get(name))) absent.add(name);
				})
			);
		}
		return decide((ref) => this.#docs.get(this.#deps.policy.name(ref))?.projector.state);
	}

	/**
	 * Opens a document for a viewer: loads it only if it exists or they may open it, so connecting
	 * to made-up names costs no memory. `invalid` for a bad name, `none` when not allowed.
	 */
	async openFor(
		name: string,
		viewer: Viewer
	): Promise<{ live: LiveDocument; access: 'read' | 'write' } | 'invalid' | 'none'> {
		const { policy } = this.#deps;
		const ref = policy.parse(name);
		if (!ref || policy.name(ref) !== name || this.#closing) return 'invalid';
		if (!this.#docs.has(name) && !(await this.#stored(name))) {
			const empty = policy.project(ref).state;
			const access = await this.#resolve((related) =>
				policy.access(ref, empty, this.#withRoles(viewer, related), related)
			);
			if (access === 'none') return 'none';
		}
		const live = await this.get(name);
		if (!live) return 'invalid';
		const access = await this.accessFor(live, viewer);
		return access === 'none' ? 'none' : { live, access };
	}

	/**
	 * A viewer's access to a document, remembering which other documents the answer looked at.
	 * Synchronous: it sees only loaded documents (use `accessFor` unless they are known loaded).
	 */
	accessOf(live: LiveDocument, viewer: Viewer): Access {
		return this.#accessWith(
			live,
			viewer,
			(ref) => this.#docs.get(this.#deps.policy.name(ref))?.projector.state
		);
	}

	/** The orgs that could have access to the document now (null: any org could). */
	accessCandidates(live: LiveDocument): readonly string[] | null {
		return this.#deps.policy.candidates(live.ref, live.projector.state);
	}

	/**
	 * Whether a document's name alone may concern `orgId`: its candidates before any event name it
	 * (or any org), or it grants access to it. Loads nothing. The orgs its state adds (a customer's
	 * resellers and providers) are decided whenever that state changes, known org or not.
	 */
	namedFor(name: string, orgId: string): boolean {
		const { policy } = this.#deps;
		const ref = policy.parse(name);
		if (!ref) return false;
		const candidates = policy.candidates(ref, policy.project(ref).state);
		return (
			candidates === null ||
			candidates.includes(orgId) ||
			policy.grants(ref).some((grant) => grant.orgId === orgId)
		);
	}

	/** The documents (stored ones only) whose access for an org this one's state decides. */
	async accessGrants(live: LiveDocument): Promise<{ live: LiveDocument; orgId: string }[]> {
		const granted: { live: LiveDocument; orgId: string }[] = [];
		for (const grant of this.#deps.policy.grants(live.ref)) {
			const name = this.#deps.policy.name(grant.ref);
			if (!this.#docs.has(name) && !(await this.#stored(name))) continue;
			const other = await this.get(name);
			if (other) granted.push({ live: other, orgId: grant.orgId });
		}
		return granted;
	}

	/** A viewer's access to a document, loading the stored documents the answer looks at. */
	accessFor(live: LiveDocument, viewer: Viewer): Promise<Access> {
		return this.#resolve((related) => this.#accessWith(live, viewer, related));
	}

	#accessWith(live: LiveDocument, viewer: Viewer, lookup: Related): Access {
		const related: Related = (ref) => {
			const other = this.#deps.policy.name(ref);
			let dependents = this.#dependents.get(other);
			if (!dependents) this.#dependents.set(other, (dependents = new Set()));
			dependents.add(live.name);
			return lookup(ref);
		};
		return this.#deps.policy.access(
			live.ref,
			live.projector.state,
			this.#withRoles(viewer, lookup),
			related
		);
	}

	/**
	 * Reads follow roles: a user is asked about with the roles their org document gives them now
	 * (not recorded as a dependency: a role change re-decides the connections of that org's users,
	 * see SyncHub, and a user's list is decided when served). An org-level viewer (no user, the
	 * listing index) and one whose roles are given are asked about as they are.
	 */
	#withRoles(viewer: Viewer, lookup: Related): Viewer {
		if (viewer.userId === '' || viewer.roles !== undefined) return viewer;
		const org = lookup({ kind: 'org', orgId: viewer.orgId });
		return {
			userId: viewer.userId,
			orgId: viewer.orgId,
			roles: this.#deps.policy.rolesOf(org, viewer.userId)
		};
	}

	/** Documents whose access depends on `name`'s log. */
	dependentsOf(name: string): string[] {
		return [...(this.#dependents.get(name) ?? [])];
	}

	/** The viewer with the roles their org document gives them now. */
	async actorOf(viewer: Viewer): Promise<Actor> {
		const org = await this.projection({ kind: 'org', orgId: viewer.orgId });
		return { ...viewer, roles: this.#deps.policy.rolesOf(org, viewer.userId) };
	}

	/** Decides one incoming update from `peer`; stores, applies and relays it when accepted. */
	submit(live: LiveDocument, update: Uint8Array, peer: SyncPeer): Promise<Verdict> {
		// The document's queue is held while the update is decided and applied, not while it is
		// being stored: the next update is decided against the applied state, and the verdict (the
		// acknowledgement) still waits until this one is durable.
		return this.#decide(live, update, peer).then(async (decided) => {
			if ('durable' in decided) {
				await decided.durable;
				return decided.verdict;
			}
			return decided;
		});
	}

	#decide(
		live: LiveDocument,
		update: Uint8Array,
		peer: SyncPeer
	): Promise<Verdict | { verdict: Verdict; durable: Promise<void> }> {
		const { validator, policy, metrics } = this.#deps;
		return live.run(async () => {
			// Updates queued behind a refused one depend on it: they are never looked at.
			if (!peer.open) {
				return { ok: false, code: 'sync_access_revoked', eventIds: [], message: 'closed' };
			}
			const started = performance.now();
			const refuse = (code: string, message: string, eventIds: string[] = []): Verdict => {
				metrics.validateSeconds.observe((performance.now() - started) / 1000);
				return this.refused(live, peer, { ok: false, code, eventIds, message });
			};
			const actor = await this.actorOf(peer);
			const editable = peer.access === 'write' ? policy.editableParts(live.ref, actor) : [];
			const analyze = async (): Promise<Analysis> => {
				const found = await validator.analyze(live, update, editable);
				if (!found.ok || found.noop || peer.access !== 'write') return found;
				const refusal = await this.#claimClients(live, found.clients, peer.accountId);
				if (refusal === null) return found;
				validator.drop(live.name);
				return refusal;
			};
			let analysis = await analyze();
			// In a cluster a client may reconnect to a process that has not yet heard of updates it
			// saw elsewhere (the bus is a moment behind the store): what it builds on, or other
			// people's changes it passes on, may be missing here. Catch up from the store, retry.
			if (
				this.#deps.bus &&
				!analysis.ok &&
				(analysis.code === 'sync_update_incomplete' || analysis.code === 'sync_client_id_taken')
			) {
				await this.#catchUp(live);
				analysis = await analyze();
			}
			if (!analysis.ok && analysis.code === 'sync_update_incomplete') {
				// Not refused yet: the connection holds it until what it builds on arrives (SyncConnection).
				return { ok: false, code: analysis.code, eventIds: [], message: analysis.detail };
			}
			if (
				!analysis.ok &&
				analysis.code === 'sync_update_too_complex' &&
				this.#mayRetry(peer, live)
			) {
				// A busy machine (not the update) may have made it slow: the client sends it again.
				return refuse('sync_server_busy', analysis.detail);
			}
			if (!analysis.ok || analysis.noop || analysis.appended.length === 0 || !this.#deps.bus) {
				return this.#admit(live, update, peer, actor, analysis, refuse);
			}
			// In a cluster an append is decided at the document's head: under its lock across the
			// processes, after catching up with the store, and stored before the lock is let go. Two
			// processes can then never each admit an append at their own tail, one of which would land
			// before the other's (acknowledged) event once they exchange them. The document's queue
			// is taken before its cross-process lock everywhere (see appendAtomically).
			const decided = analysis;
			return this.#deps.store.withLocks([live.name], async () => {
				let atHead: Analysis = decided;
				if ((await this.#catchUp(live)) > 0) {
					// The shadow holds this update over a state that was not the head: decide it again.
					validator.drop(live.name);
					atHead = await analyze();
					if (!atHead.ok && atHead.code === 'sync_update_incomplete') {
						return {
							ok: false,
							code: atHead.code,
							eventIds: [],
							message: atHead.detail
						} as Verdict;
					}
				}
				const result = await this.#admit(live, update, peer, actor, atHead, refuse);
				if ('durable' in result) await result.durable;
				return result;
			});
		});
	}

	/** The rest of a decision once the update's analysis is known (inside the document's queue). */
	async #admit(
		live: LiveDocument,
		update: Uint8Array,
		peer: SyncPeer,
		actor: Actor,
		analysis: Analysis,
		refuse: (code: string, message: string, eventIds?: string[]) => Verdict
	): Promise<Verdict | { verdict: Verdict; durable: Promise<void> }> {
		const { validator, policy, metrics, limits } = this.#deps;
		const started = performance.now();
		if (!analysis.ok) return refuse(analysis.code, analysis.detail, analysis.eventIds);
		if (analysis.noop) {
			return {
				verdict: { ok: true },
				durable: new Promise((resolve) => this.whenDurable(resolve))
			};
		}
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
		// Decided with the other documents it looks at loaded (a partner's org document: its standing).
		const now = this.#now();
		const { firstRefusal, refusedIds } = await this.#resolve((related) => {
			let first: { code: string; message: string } | null = null;
			const ids: string[] = [];
			const verdicts = policy.checkAppends(live.ref, state, analysis.appended, actor, now, related);
			for (const [index, verdict] of verdicts.entries()) {
				if (!verdict.ok) {
					first ??= verdict;
					ids.push(...idOf(analysis.appended[index]));
				}
			}
			return { firstRefusal: first, refusedIds: ids };
		});
		if (firstRefusal) {
			validator.drop(live.name);
			return refuse(firstRefusal.code, firstRefusal.message, refusedIds);
		}
		const admission = await this.#admission(live, analysis.appended);
		if (admission) {
			validator.drop(live.name);
			return refuse(admission.code, admission.message, admission.eventIds);
		}
		metrics.validateSeconds.observe((performance.now() - started) / 1000);
		const durable = this.#commit(live, update, peer, analysis.appended);
		return { verdict: { ok: true } as Verdict, durable };
	}

	/**
	 * Every client id an update writes new structs for must be its writer's: claimed for their
	 * account when the document has nothing of it yet, or claimed by them before. A client id is
	 * the position in history Yjs gives a writer's changes; writing someone else's (the server's
	 * included) would let a writer forge or pre-empt changes that person has not sent yet, which
	 * Yjs would then drop as already known. Returns the refusal, or null.
	 */
	async #claimClients(
		live: LiveDocument,
		clients: readonly (readonly [number, number])[],
		owner: string
	): Promise<Analysis | null> {
		const taken = (client: number): Analysis => ({
			ok: false,
			code: 'sync_client_id_taken',
			detail: `client id ${client} is someone else's`
		});
		const claims = claimsFor(clients, live.clientOwners, owner);
		if (!claims.ok) {
			return claims.code === 'sync_client_id_taken'
				? taken(claims.client)
				: { ok: false, code: claims.code, detail: `${claims.count} new client ids in one update` };
		}
		const { fresh, existing } = claims;
		if (fresh.length + existing.length === 0) return null;
		const owners = await this.#deps.store.claimClients(live.name, fresh, existing, owner);
		for (const [client, claimed] of owners) live.clientOwners.set(client, claimed);
		// An id with stored structs and no owner is the server's from before ownership was recorded.
		for (const client of [...fresh, ...existing]) {
			if (owners.get(client) !== owner) return taken(client);
		}
		return null;
	}

	/**
	 * Claims `client` for `owner` before it writes anything: a client shows its id to everyone on
	 * the document in its presence, and whoever wrote under that id first would own it, so the
	 * edits the device then makes offline would look already known and be dropped unseen. Called
	 * when a writer's connection announces a presence id; the first claim wins (an id someone
	 * already claimed stays theirs, and the device's writes are refused and re-sent under a new id).
	 */
	async reserveClient(live: LiveDocument, client: number, owner: string): Promise<void> {
		if (live.clientOwners.has(client)) return;
		const written = live.doc.store.clients.has(client);
		try {
			const owners = await this.#deps.store.claimClients(
				live.name,
				written ? [] : [client],
				written ? [client] : [],
				owner
			);
			for (const [claimed, by] of owners) live.clientOwners.set(claimed, by);
		} catch (error) {
			// Not reserved: its first write claims it, as for a client that shows no presence.
			this.#deps.log.warn({ err: error, doc: live.name }, 'client id not reserved');
		}
	}

	/**
	 * Makes sure the server writes its own events under a client id it owns (claimed as
	 * SERVER_OWNER), so no connection can have written or later write under it. Runs in the
	 * document's queue before the server's first write since loading (a remote update that used the
	 * replica's id makes Yjs pick a new one: that one is claimed in turn).
	 */
	async #ownServerClient(live: LiveDocument): Promise<void> {
		for (;;) {
			const client = live.doc.clientID;
			const known = live.clientOwners.get(client);
			if (known === SERVER_OWNER) return;
			if (known === undefined && !live.doc.store.clients.has(client)) {
				const owners = await this.#deps.store.claimClients(live.name, [client], [], SERVER_OWNER);
				const claimed = owners.get(client);
				if (claimed !== undefined) live.clientOwners.set(client, claimed);
				if (claimed === SERVER_OWNER && live.doc.clientID === client) return;
			}
			if (live.doc.clientID === client) {
				live.doc.clientID = Math.floor(Math.random() * 0xffffffff);
			}
		}
	}

	/** Counts and logs a refusal (for the operator: who had what refused, and why), and returns it. */
	refused(
		live: LiveDocument,
		peer: SyncPeer,
		verdict: Exclude<Verdict, { ok: true }>
	): Exclude<Verdict, { ok: true }> {
		const { code, message, eventIds } = verdict;
		this.#deps.metrics.updatesRefused.inc({ code });
		this.#deps.log.info(
			{ doc: live.name, user: peer.userId, code, detail: message, events: eventIds.length },
			'update refused'
		);
		return verdict;
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
	async appendEvents(name: string, events: readonly unknown[], actor: Actor): Promise<Verdict> {
		const live = await this.get(name);
		if (!live) return { ok: false, code: 'sync_document_invalid', eventIds: [], message: name };
		return live.run(() =>
			this.#atHead(live, async () => {
				await this.#ownServerClient(live);
				for (const event of events) {
					const now = this.#now();
					const [verdict] = await this.#resolve((related) =>
						this.#deps.policy.checkAppends(
							live.ref,
							live.projector.state,
							[event],
							actor,
							now,
							related
						)
					);
					if (verdict && !verdict.ok) {
						return {
							ok: false,
							code: verdict.code,
							message: verdict.message,
							eventIds: idOf(event)
						};
					}
					const update = this.#pushServerEvent(live, event);
					if (update === null) continue;
					await this.#commit(live, update, null, [event], false);
				}
				return { ok: true } as Verdict;
			})
		);
	}

	/**
	 * Appends one server-written event to the live document (and the validator's shadow) and
	 * returns the update it made, to be committed; null when it changed nothing.
	 */
	#pushServerEvent(live: LiveDocument, event: unknown): Uint8Array | null {
		let update: Uint8Array | null = null;
		const capture = (made: Uint8Array) => {
			update = made;
		};
		live.doc.on('update', capture);
		try {
			live.doc.transact(() => live.log.push([event]), SERVER_ORIGIN);
		} finally {
			live.doc.off('update', capture);
		}
		if (update !== null) this.#deps.validator.applyTrusted(live.name, update);
		return update;
	}

	/**
	 * Runs `task` (which appends to the log and waits until it is stored) at the document's head:
	 * in a cluster under its cross-process lock, after catching up with the store. Call it inside
	 * the document's queue (the queue first, then the lock, everywhere: no two wait on each other).
	 */
	async #atHead<T>(live: LiveDocument, task: () => Promise<T>): Promise<T> {
		if (!this.#deps.bus) return task();
		return this.#deps.store.withLocks([live.name], async () => {
			await this.#catchUp(live);
			return task();
		});
	}

	/**
	 * Appends system events to several documents as one decision. `decide` sees their projections
	 * (in the order of `names`) while none of them takes any other update, and returns the events for
	 * each (or a refusal, and nothing is written). Every event is checked before any is applied; all
	 * are then stored in one commit (on disk all or nothing) and relayed. Documents are locked in
	 * name order, so two such decisions can never wait on each other; in a cluster they are also
	 * locked in the shared store, and the decision sees every update stored for them.
	 */
	async appendAtomically<R>(
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
		const lives = await Promise.all(names.map((name) => this.get(name)));
		if (lives.some((live) => live === null) || new Set(names).size !== names.length) {
			return {
				ok: false as const,
				code: 'sync_document_invalid',
				eventIds: [],
				message: names.join(' ')
			};
		}
		const docs = lives as LiveDocument[];
		const locked = [...docs].sort((a, b) => (a.name < b.name ? -1 : 1));
		const shared = this.#deps.bus !== undefined;
		const body = async () => {
			// Other processes may have written these documents: decide on what the store has.
			if (shared) for (const live of docs) await this.#catchUp(live);
			for (const live of docs) await this.#ownServerClient(live);
			const decision = decide(docs.map((live) => live.projector.state));
			if ('refused' in decision) {
				return { ok: true as const, value: decision.refused, refused: true };
			}
			const { policy } = this.#deps;
			const now = this.#now();
			for (const [index, live] of docs.entries()) {
				const events = decision.events[index] ?? [];
				// Judged together: no two of them may claim one id. The services decide their partners'
				// standing inside `decide`; this looks only at what is loaded (no await between the
				// decision and the writes).
				const verdicts = policy.checkAppends(
					live.ref,
					live.projector.state,
					events,
					actor,
					now,
					(ref) => this.#docs.get(policy.name(ref))?.projector.state
				);
				for (const [at, verdict] of verdicts.entries()) {
					if (!verdict.ok) {
						return {
							ok: false as const,
							code: verdict.code,
							message: verdict.message,
							eventIds: idOf(events[at])
						};
					}
				}
			}
			// No await from here until every write is queued: they land in the same flush.
			const commits: Promise<void>[] = [];
			for (const [index, live] of docs.entries()) {
				for (const event of decision.events[index] ?? []) {
					const update = this.#pushServerEvent(live, event);
					if (update === null) continue;
					commits.push(this.#commit(live, update, null, [event], false));
				}
			}
			await Promise.all(commits);
			return { ok: true as const, value: decision.value, refused: false };
		};
		const under = (index: number): Promise<Awaited<ReturnType<typeof body>>> => {
			const live = locked[index];
			return live
				? live.run(() => under(index + 1))
				: this.#deps.store.withLocks(
						locked.map((each) => each.name),
						body
					);
		};
		// Locked in this process first (the queues), then across processes (the store's locks): the
		// order every decision at a document's head takes, so none waits for another's queue while
		// holding a lock that one needs (see #decide).
		return under(0);
	}

	/**
	 * Runs `task` while no other process of a cluster runs one locked on any of these keys (see
	 * DocumentStorage.withLocks): for a decision about more than documents (a tenant domain).
	 */
	withLocks<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
		return this.#deps.store.withLocks(keys, task);
	}

	/**
	 * Applies an accepted update to the live document and its projection at once (the next update
	 * is decided against them), then stores it with every other update accepted in the same turn of
	 * the event loop (one commit), and only then relays it. Resolves once it is durable.
	 */
	#commit(
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
		live.lastUsed = this.#now();
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
				this.#now()
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
			this.#markSeq(write.live, seq);
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
			const gates = write.logChanged ? this.#logChanged(write.live, true) : [];
			this.#tellStored(write.live.name, seq, write.live);
			this.#maybeCompact(write.live);
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

	/** Notes that the document holds the stored update `seq`; a gap left behind is filled later. */
	#markSeq(live: LiveDocument, seq: number): boolean {
		const fresh = live.markSeq(seq);
		if (live.hasGap) this.#scheduleGapRepair(live);
		return fresh;
	}

	#scheduleGapRepair(live: LiveDocument): void {
		if (live.gapTimer) return;
		live.gapTimer = setTimeout(() => {
			live.gapTimer = null;
			if (live.hasGap && this.#docs.get(live.name) === live) void this.repair(live);
		}, this.#deps.limits.gapRepairMs ?? 250);
		live.gapTimer.unref();
	}

	/**
	 * An update another process stored under `seq` (heard through the bus): applied, relayed to
	 * this process's peers, and projected, unless this replica already has it.
	 */
	async receiveUpdate(name: string, seq: number, update: Uint8Array): Promise<void> {
		this.#absent.delete(name);
		const heard = this.#heardWhileLoading.get(name);
		if (heard) {
			heard.push({ seq, update });
			this.#tellStored(name, seq, undefined);
			return;
		}
		const live = this.#docs.get(name);
		if (!live) {
			// Not held here: the store has it for whoever loads it.
			this.#tellStored(name, seq, undefined);
			return;
		}
		await live.run(() => {
			if (this.#docs.get(name) !== live || live.hasSeq(seq)) return;
			this.#applyStored(live, update);
			this.#markSeq(live, seq);
		});
		this.#tellStored(name, seq, live);
	}

	/** Fills this replica's gaps from the store (after a missed message, or a bus reconnect). */
	async repair(live: LiveDocument): Promise<void> {
		await live.run(async () => {
			if (this.#docs.get(live.name) === live) await this.#catchUp(live);
		});
	}

	/** Applies what the store has past `seenThrough` (inside the document's queue); how many. */
	async #catchUp(live: LiveDocument): Promise<number> {
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
		await Promise.all([...this.#docs.values()].map((live) => this.repair(live)));
	}

	/** Presence another process's peers announced. */
	receiveAwareness(name: string, update: Uint8Array): void {
		const live = this.#docs.get(name);
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
		// catching up: see #decide), so they land at this replica's tail. A log that changes order
		// anyway (a store written by an older version) is replayed in the log's order.
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
		live.lastUsed = this.#now();
		const message = encodeUpdate(update);
		for (const peer of live.peers) peer.send(message);
		if (logChanged) {
			if (tailOnly) live.projector.append(live.log.slice(before));
			else {
				live.projector = this.#deps.policy.project(live.ref);
				live.projector.append(live.log.toArray());
			}
			void this.#logChanged(live, false);
		}
		this.#maybeCompact(live);
	}

	#maybeCompact(live: LiveDocument): void {
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
			this.#now()
		);
		this.#deps.metrics.compactions.inc();
	}

	/** Unloads documents nobody is connected to and nothing has used for a while. */
	async unloadIdle(force = false): Promise<void> {
		const cutoff = this.#now() - this.#deps.limits.idleUnloadMs;
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
		while (this.#flushing || this.#pending.length > 0) {
			await new Promise<void>((resolve) => this.whenDurable(resolve));
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

function idOf(candidate: unknown): string[] {
	const id = candidateId(candidate);
	return id === null ? [] : [id];
}
