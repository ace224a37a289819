// Where each invitation link was created: token hash -> (inviting org, invitation), kept in the
// store from the org documents' projections as their logs grow, so opening a link is one lookup and
// never a scan of every document. Entries are hints: the inviting org's projection decides
// everything. In a cluster every process that holds an org document indexes it (idempotently).
import type { OrgDocumentState } from '$lib/flows/projection';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import type { InvitationTokenStorage } from '../store/storage.js';

export interface IndexedInvitation {
	readonly orgId: string;
	readonly invitationId: string;
}

/** At most this many rows per hash are read: more than one already means a forged duplicate. */
const MAX_MATCHES = 4;

function rowsOf(state: OrgDocumentState) {
	return Object.values(state.invitations).map((invitation) => ({
		tokenHash: invitation.tokenHash,
		orgId: state.orgId,
		invitationId: invitation.invitationId
	}));
}

export class InvitationIndex {
	readonly #registry: DocumentRegistry;
	readonly #store: InvitationTokenStorage;
	/**
	 * How many invitations each org document's projection had when it was last indexed. A projection
	 * object is replaced when its log is replayed or reloaded, which indexes it afresh.
	 */
	readonly #seen = new WeakMap<OrgDocumentState, number>();
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

	/** Records the invitations of an org document whose log just grew (a no-op for other kinds). */
	update(live: LiveDocument): Promise<void> {
		const state = live.projector.state;
		if (state.kind !== 'org') return Promise.resolve();
		const rows = rowsOf(state);
		// Invitations are never dropped from a projection: an unchanged count means nothing new.
		if (this.#seen.get(state) === rows.length) return Promise.resolve();
		this.#seen.set(state, rows.length);
		return this.#write(() => this.#store.put(rows));
	}

	/** Indexes every org document afresh (first start, or after a crash may have lost the last). */
	async rebuild(): Promise<void> {
		const rows: ReturnType<typeof rowsOf> = [];
		for (const name of await this.#registry.names()) {
			const ref = this.#registry.policy.parse(name);
			if (ref?.kind !== 'org') continue;
			const state = await this.#registry.projection(ref);
			if (state?.kind !== 'org') continue;
			rows.push(...rowsOf(state));
			this.#seen.set(state, Object.keys(state.invitations).length);
		}
		await this.#write(() => this.#store.put(rows, true));
	}

	/** The invitations created with this token hash (normally one; none for a guessed link). */
	async find(tokenHash: string): Promise<IndexedInvitation[]> {
		await this.#writing.catch(() => undefined);
		return this.#store.find(tokenHash, MAX_MATCHES);
	}
}
