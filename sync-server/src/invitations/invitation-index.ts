// Where each invitation link was created: token hash -> (inviting org, invitation), kept in SQLite
// from the org documents' projections as their logs grow, so opening a link is one lookup and never
// a scan of every document. Entries are hints: the inviting org's projection decides everything.
import type { OrgDocumentState } from '$lib/flows/projection';
import type { DocumentRegistry } from '../docs/document-registry.js';
import type { LiveDocument } from '../docs/live-document.js';
import type { SqliteDatabase } from '../store/database.js';

export interface IndexedInvitation {
	readonly orgId: string;
	readonly invitationId: string;
}

/** At most this many rows per hash are read: more than one already means a forged duplicate. */
const MAX_MATCHES = 4;

export class InvitationIndex {
	readonly #registry: DocumentRegistry;
	readonly #db: SqliteDatabase;
	readonly #s;
	/**
	 * How many invitations each org document's projection had when it was last indexed. A projection
	 * object is replaced when its log is replayed or reloaded, which indexes it afresh.
	 */
	readonly #seen = new WeakMap<OrgDocumentState, number>();

	constructor(db: SqliteDatabase, registry: DocumentRegistry) {
		this.#db = db;
		this.#registry = registry;
		this.#s = {
			find: db.prepare<[string, number], { org_id: string; invitation_id: string }>(
				'SELECT org_id, invitation_id FROM invitation_tokens WHERE token_hash = ? LIMIT ?'
			),
			put: db.prepare<[string, string, string]>(
				'INSERT OR IGNORE INTO invitation_tokens (token_hash, org_id, invitation_id) VALUES (?, ?, ?)'
			),
			clear: db.prepare('DELETE FROM invitation_tokens')
		};
	}

	/** Records the invitations of an org document whose log just grew (a no-op for other kinds). */
	update(live: LiveDocument, force = false): void {
		const state = live.projector.state;
		if (state.kind !== 'org') return;
		const invitations = Object.values(state.invitations);
		// Invitations are never dropped from a projection: an unchanged count means nothing new.
		if (!force && this.#seen.get(state) === invitations.length) return;
		this.#db.transaction(() => {
			for (const invitation of invitations)
				this.#s.put.run(invitation.tokenHash, state.orgId, invitation.invitationId);
		})();
		this.#seen.set(state, invitations.length);
	}

	/** Indexes every org document afresh (first start, or after a crash may have lost the last). */
	rebuild(): void {
		this.#db.transaction(() => {
			this.#s.clear.run();
			for (const name of this.#registry.names()) {
				const ref = this.#registry.policy.parse(name);
				if (ref?.kind !== 'org') continue;
				const live = this.#registry.get(name);
				if (live) this.update(live, true);
			}
		})();
	}

	/** The invitations created with this token hash (normally one; none for a guessed link). */
	find(tokenHash: string): IndexedInvitation[] {
		return this.#s.find
			.all(tokenHash, MAX_MATCHES)
			.map((row) => ({ orgId: row.org_id, invitationId: row.invitation_id }));
	}
}
