// Decides each update a client sends (the worker's analysis, the client ids it writes under, the
// domain's checkAppend, the server-wide admission; in a cluster at the document's head), then
// commits or refuses it, letting a slow one retry a few times. Also claims the server's client id.
import type { Actor } from '../authorize.js';
import { claimsFor } from './client-claims.js';
import { SERVER_OWNER } from '../store/storage.js';
import type { Analysis } from '../validation/update-analysis.js';
import type { Refusal } from '../wire-format.js';
import type { ClusterReplay } from './cluster-replay.js';
import type { CommitRelay } from './commit-relay.js';
import type { DocumentAccess } from './document-access.js';
import type { LiveDocument, SyncPeer } from './live-document.js';
import { idOf, type PartDeps } from './registry-deps.js';

export type Verdict =
	{ readonly ok: true } | ({ readonly ok: false; readonly message: string } & Refusal);

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

/** What a decision asks of the other parts (wired by DocumentRegistry). */
export interface GateParts {
	/** who the writer is, and the related documents a check looks at */
	readonly access: Pick<DocumentAccess, 'actorOf' | 'resolve'>;
	/** what other processes stored meanwhile */
	readonly replay: Pick<ClusterReplay, 'catchUp'>;
	/** storing and relaying what is accepted */
	readonly relay: Pick<CommitRelay, 'commit' | 'whenDurable'>;
}

/** how long a retried over-budget update counts against its account and document */
const OVER_BUDGET_WINDOW_MS = 10 * 60_000;
const OVER_BUDGET_RETRIES = 3;
const OVER_BUDGET_MAX_ENTRIES = 10_000;

type GateDeps = Pick<
	PartDeps,
	'store' | 'bus' | 'validator' | 'policy' | 'metrics' | 'log' | 'limits' | 'now'
>;

export class UpdateGate {
	readonly #deps: GateDeps;
	readonly #access: GateParts['access'];
	readonly #replay: GateParts['replay'];
	readonly #relay: GateParts['relay'];
	/** `${account} ${document}` -> since when its updates over the time budget were let retry */
	readonly #overBudget = new Map<string, { since: number; retries: number }>();
	#admission: Admission = () => null;

	constructor(deps: GateDeps, parts: GateParts) {
		this.#deps = deps;
		this.#access = parts.access;
		this.#replay = parts.replay;
		this.#relay = parts.relay;
	}

	/** Sets the server-wide check every client update passes after the domain's checkAppend. */
	set admission(admission: Admission) {
		this.#admission = admission;
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
			const actor = await this.#access.actorOf(peer);
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
				await this.#replay.catchUp(live);
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
			// is taken before its cross-process lock everywhere (see ServerEvents.appendAtomically).
			const decided = analysis;
			return this.#deps.store.withLocks([live.name], async () => {
				let atHead: Analysis = decided;
				if ((await this.#replay.catchUp(live)) > 0) {
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
				durable: new Promise((resolve) => this.#relay.whenDurable(resolve))
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
		const now = this.#deps.now();
		const { firstRefusal, refusedIds } = await this.#access.resolve((related) => {
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
		const durable = this.#relay.commit(live, update, peer, analysis.appended);
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
	async ownServerClient(live: LiveDocument): Promise<void> {
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
		const now = this.#deps.now();
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
}
