// Where each invitation link was created: token hash -> (inviting org, invitation), kept in the
// store from the invitations documents' projections as their logs grow, so opening a link is one
// lookup and never a scan of every document. Entries are hints: the inviting org's projection
// decides everything. In a cluster every process that holds an invitations document indexes it
// (idempotently).
import type { InvitationsDocumentState } from '$lib/flows/documents/document-state';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import type { InvitationTokenStorage } from '../store/storage.js';

export interface IndexedInvitation {
	readonly orgId: string;
	readonly invitationId: string;
}

/** At most this many rows per hash are read: more than one already means a forged duplicate. */
const MAX_MATCHES = 4;

function rowsOf(state: InvitationsDocumentState, invitations = Object.values(state.invitations)) {
	return invitations.map((invitation) => ({
		tokenHash: invitation.tokenHash,
		orgId: state.orgId,
		invitationId: invitation.invitationId
	}));
}

/** The invitations that `invitation.created` events among `entries` (log entries) put in `state`. */
function createdIn(state: InvitationsDocumentState, entries: readonly unknown[]) {
	const created: InvitationsDocumentState['invitations'][string][] = [];
	for (const entry of entries) {
		const event = entry as { type?: unknown; payload?: { invitationId?: unknown } } | null;
		if (event?.type !== 'invitation.created') continue;
		const id = event.payload?.invitationId;
		const invitation = typeof id === 'string' ? state.invitations[id] : undefined;
		if (invitation && Object.hasOwn(state.invitations, id as string)) created.push(invitation);
	}
	return created;
}

export class InvitationIndex {
	readonly #registry: DocumentRegistry;
	readonly #store: InvitationTokenStorage;
	/**
	 * How many log entries each invitations document's projection had when it was last indexed:
	 * only the entries after them can add invitations (one is added by its own `invitation.created` and
	 * never dropped, and the projection takes the log in order). A projection object is replaced
	 * when its log is replayed or reloaded, which indexes it afresh.
	 */
	readonly #seen = new WeakMap<InvitationsDocumentState, number>();
	/** writes run one at a time, in order; `find` waits for them (a link is indexed once durable) */
	#writing: Promise<void> = Promise.resolve();

	constructor(store: InvitationTokenStorage, registry: DocumentRegistry) {
		this.#store = store;
		this.#registry = registry;
	}

	/** A failed write fails its caller only; the next one still runs. */
	#write(task: () => Promise<void>): Promise<void> {
		const next = this.#writing.catch(() => undefined).then(task);
		this.#writing = next;
		return next;
	}

	/** Records the links of an invitations document whose log just grew (a no-op for other kinds). */
	update(live: LiveDocument): Promise<void> {
		const state = live.projector.state;
		if (state.kind !== 'invitations') return Promise.resolve();
		const seen = this.#seen.get(state);
		if (seen === state.length) return Promise.resolve();
		this.#seen.set(state, state.length);
		// Only what the new entries created: a reseller with thousands of links rewrites none of them.
		const rows =
			seen === undefined
				? rowsOf(state)
				: rowsOf(state, createdIn(state, live.log.slice(seen, state.length)));
		if (rows.length === 0) return Promise.resolve();
		return this.#write(() => this.#store.put(rows));
	}

	/** Indexes every invitations document afresh (first start, or after a crash lost the last). */
	async rebuild(): Promise<void> {
		const rows: ReturnType<typeof rowsOf> = [];
		for (const name of await this.#registry.names()) {
			const ref = this.#registry.policy.parse(name);
			if (ref?.kind !== 'invitations') continue;
			const state = await this.#registry.projection(ref);
			if (state?.kind !== 'invitations') continue;
			rows.push(...rowsOf(state));
			this.#seen.set(state, state.length);
		}
		await this.#write(() => this.#store.put(rows, true));
	}

	/** The invitations created with this token hash (normally one; none for a guessed link). */
	async find(tokenHash: string): Promise<IndexedInvitation[]> {
		await this.#writing.catch(() => undefined);
		return this.#store.find(tokenHash, MAX_MATCHES);
	}
}
