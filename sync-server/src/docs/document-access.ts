// Who may open a document and with which roles a viewer acts, asked of the policy with the related
// documents it looks at loaded first; remembers which documents each answer looked at (dependents).
import type {
	Access,
	AccessPolicy,
	Actor,
	DocumentProjection,
	DocumentRef,
	Related,
	Viewer
} from '../authorize.js';
import type { LiveDocument } from './live-document.js';

/** The held documents, as access decisions see them (DocumentCache). */
export interface AccessDocuments {
	readonly closing: boolean;
	peek(name: string): LiveDocument | undefined;
	has(name: string): boolean;
	get(name: string): Promise<LiveDocument | null>;
	stored(name: string): Promise<boolean>;
	projection(ref: DocumentRef): Promise<DocumentProjection | undefined>;
	current(ref: DocumentRef): Promise<DocumentProjection | undefined>;
}

export class DocumentAccess {
	readonly #policy: AccessPolicy;
	readonly #docs: AccessDocuments;
	/** for each document, the documents whose access was decided by looking at it */
	readonly #dependents = new Map<string, Set<string>>();

	constructor(policy: AccessPolicy, docs: AccessDocuments) {
		this.#policy = policy;
		this.#docs = docs;
	}

	/** The viewer with the roles their org document has now in the store (see `current`). */
	async currentActorOf(viewer: Viewer): Promise<Actor> {
		const org = await this.#docs.current({ kind: 'org', orgId: viewer.orgId });
		return { ...viewer, roles: this.#policy.rolesOf(org, viewer.userId) };
	}

	/**
	 * Runs a synchronous decision that may look at other documents' projections, after loading
	 * every stored one it looks at (a few rounds at most: an answer looks one or two documents away).
	 */
	async resolve<T>(decide: (related: Related) => T): Promise<T> {
		const absent = new Set<string>();
		for (let round = 0; round < 6; round += 1) {
			const missing = new Set<string>();
			const result = decide((ref) => {
				const name = this.#policy.name(ref);
				const live = this.#docs.peek(name);
				if (live) return live.projector.state;
				if (!absent.has(name)) missing.add(name);
				return undefined;
			});
			if (missing.size === 0) return result;
			await Promise.all(
				[...missing].map(async (name) => {
					if (!(await this.#docs.stored(name)) || !(await this.#docs.get(name))) absent.add(name);
				})
			);
		}
		return decide((ref) => this.#docs.peek(this.#policy.name(ref))?.projector.state);
	}

	/**
	 * Opens a document for a viewer: loads it only if it exists or they may open it, so connecting
	 * to made-up names costs no memory. `invalid` for a bad name, `none` when not allowed.
	 */
	async openFor(
		name: string,
		viewer: Viewer
	): Promise<{ live: LiveDocument; access: 'read' | 'write' } | 'invalid' | 'none'> {
		const policy = this.#policy;
		const ref = policy.parse(name);
		if (!ref || policy.name(ref) !== name || this.#docs.closing) return 'invalid';
		if (!this.#docs.has(name) && !(await this.#docs.stored(name))) {
			const empty = policy.project(ref).state;
			const access = await this.resolve((related) =>
				policy.access(ref, empty, this.#withRoles(viewer, related), related)
			);
			if (access === 'none') return 'none';
		}
		const live = await this.#docs.get(name);
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
			(ref) => this.#docs.peek(this.#policy.name(ref))?.projector.state
		);
	}

	/** The orgs that could have access to the document now (null: any org could). */
	accessCandidates(live: LiveDocument): readonly string[] | null {
		return this.#policy.candidates(live.ref, live.projector.state);
	}

	/**
	 * Whether a document's name alone may concern `orgId`: its candidates before any event name it
	 * (or any org), or it grants access to it. Loads nothing. The orgs its state adds (a customer's
	 * resellers and providers) are decided whenever that state changes, known org or not.
	 */
	namedFor(name: string, orgId: string): boolean {
		const policy = this.#policy;
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
		for (const grant of this.#policy.grants(live.ref)) {
			const name = this.#policy.name(grant.ref);
			if (!this.#docs.has(name) && !(await this.#docs.stored(name))) continue;
			const other = await this.#docs.get(name);
			if (other) granted.push({ live: other, orgId: grant.orgId });
		}
		return granted;
	}

	/** A viewer's access to a document, loading the stored documents the answer looks at. */
	accessFor(live: LiveDocument, viewer: Viewer): Promise<Access> {
		return this.resolve((related) => this.#accessWith(live, viewer, related));
	}

	#accessWith(live: LiveDocument, viewer: Viewer, lookup: Related): Access {
		const related: Related = (ref) => {
			const other = this.#policy.name(ref);
			let dependents = this.#dependents.get(other);
			if (!dependents) this.#dependents.set(other, (dependents = new Set()));
			dependents.add(live.name);
			return lookup(ref);
		};
		return this.#policy.access(
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
			roles: this.#policy.rolesOf(org, viewer.userId)
		};
	}

	/** Documents whose access depends on `name`'s log. */
	dependentsOf(name: string): string[] {
		return [...(this.#dependents.get(name) ?? [])];
	}

	/** The viewer with the roles their org document gives them now. */
	async actorOf(viewer: Viewer): Promise<Actor> {
		const org = await this.#docs.projection({ kind: 'org', orgId: viewer.orgId });
		return { ...viewer, roles: this.#policy.rolesOf(org, viewer.userId) };
	}
}
