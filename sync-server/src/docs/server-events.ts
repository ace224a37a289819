// Events the server writes itself (system events, the demo workspace), through the same checks as
// any client's: to one document one at a time, or to several as one decision stored in one commit,
// locked in name order (and in a cluster across the processes) so no two such decisions deadlock.
import type { Actor, DocumentProjection } from '../authorize.js';
import type { ClusterReplay } from './cluster-replay.js';
import type { CommitRelay } from './commit-relay.js';
import type { DocumentAccess } from './document-access.js';
import type { DocumentCache } from './document-cache.js';
import type { LiveDocument } from './live-document.js';
import { SERVER_ORIGIN, idOf, type PartDeps } from './registry-deps.js';
import type { UpdateGate, Verdict } from './update-gate.js';

/** What the server's writes ask of the other parts (wired by DocumentRegistry). */
export interface ServerEventParts {
	/** the documents written to */
	readonly docs: Pick<DocumentCache, 'get' | 'peek'>;
	/** the related documents a check looks at */
	readonly access: Pick<DocumentAccess, 'resolve'>;
	/** what other processes stored meanwhile */
	readonly replay: Pick<ClusterReplay, 'catchUp'>;
	/** the server's own client id */
	readonly gate: Pick<UpdateGate, 'ownServerClient'>;
	/** storing and relaying what is written */
	readonly relay: Pick<CommitRelay, 'commit'>;
}

type ServerEventDeps = Pick<PartDeps, 'store' | 'bus' | 'validator' | 'policy' | 'now'>;

export class ServerEvents {
	readonly #deps: ServerEventDeps;
	readonly #parts: ServerEventParts;

	constructor(deps: ServerEventDeps, parts: ServerEventParts) {
		this.#deps = deps;
		this.#parts = parts;
	}

	/**
	 * Appends events written by the server (system events, the demo workspace) through the same
	 * checks as any client's: each one is checked, stored and relayed before the next.
	 */
	async appendEvents(name: string, events: readonly unknown[], actor: Actor): Promise<Verdict> {
		const { docs, access, gate, relay } = this.#parts;
		const live = await docs.get(name);
		if (!live) return { ok: false, code: 'sync_document_invalid', eventIds: [], message: name };
		return live.run(() =>
			this.#atHead(live, async () => {
				await gate.ownServerClient(live);
				for (const event of events) {
					const now = this.#deps.now();
					const [verdict] = await access.resolve((related) =>
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
					await relay.commit(live, update, null, [event], false);
				}
				return { ok: true } as Verdict;
			})
		);
	}

	/**
	 * Appends log entries as they were written (their own authors and times), unchecked, in one
	 * update stored and relayed like any: only for the server moving acknowledged history into a
	 * document of its own (an org's links into its invitations document), never for what a client
	 * sent. False when the name is no document's.
	 */
	async appendHistory(name: string, entries: readonly unknown[]): Promise<boolean> {
		const { docs, gate, relay } = this.#parts;
		const live = await docs.get(name);
		if (!live) return false;
		return live.run(() =>
			this.#atHead(live, async () => {
				await gate.ownServerClient(live);
				const update = this.#pushServerEvent(live, ...entries);
				if (update !== null) await relay.commit(live, update, null, entries, false);
				return true;
			})
		);
	}

	/**
	 * Appends server-written events to the live document (and the validator's shadow), in one
	 * transaction, and returns the update it made, to be committed; null when it changed nothing.
	 */
	#pushServerEvent(live: LiveDocument, ...events: unknown[]): Uint8Array | null {
		let update: Uint8Array | null = null;
		const capture = (made: Uint8Array) => {
			update = made;
		};
		live.doc.on('update', capture);
		try {
			live.doc.transact(() => live.log.push(events), SERVER_ORIGIN);
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
			await this.#parts.replay.catchUp(live);
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
		const { docs: cache, replay, gate, relay } = this.#parts;
		const lives = await Promise.all(names.map((name) => cache.get(name)));
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
			if (shared) for (const live of docs) await replay.catchUp(live);
			for (const live of docs) await gate.ownServerClient(live);
			const decision = decide(docs.map((live) => live.projector.state));
			if ('refused' in decision) {
				return { ok: true as const, value: decision.refused, refused: true };
			}
			const { policy } = this.#deps;
			const now = this.#deps.now();
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
					(ref) => cache.peek(policy.name(ref))?.projector.state
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
					commits.push(relay.commit(live, update, null, [event], false));
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
		// holding a lock that one needs (see UpdateGate#decide).
		return under(0);
	}

	/**
	 * Runs `task` while no other process of a cluster runs one locked on any of these keys (see
	 * DocumentStorage.withLocks): for a decision about more than documents (a tenant domain).
	 */
	withLocks<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
		return this.#deps.store.withLocks(keys, task);
	}
}
