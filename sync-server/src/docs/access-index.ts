// Which documents each org may open, kept in the store so "my documents" is a lookup, not a scan.
// Every answer comes from the policy (accessFor); the index only remembers them, per org, and the
// final per-user answer is asked again when the list is served. In a cluster every process keeps
// the shared rows of the documents whose logs it sees change (each process applies every update
// of the documents it holds, so whichever process notices a change writes the same answer).
import type { ListedDocument } from '$lib/protocol/channel';
import type { Viewer } from '../authorize.js';
import type { AccessStorage } from '../store/storage.js';
import type { DocumentRegistry } from './document-registry.js';
import type { LiveDocument } from './live-document.js';

export type { ListedDocument };

export class AccessIndex {
	readonly #registry: DocumentRegistry;
	readonly #orgs: () => Promise<readonly string[]>;
	readonly #store: AccessStorage;

	constructor(
		store: AccessStorage,
		registry: DocumentRegistry,
		orgs: () => Promise<readonly string[]>
	) {
		this.#store = store;
		this.#registry = registry;
		this.#orgs = orgs;
	}

	/** An org-level viewer: no particular user, so only the org's standing counts. */
	#orgViewer(orgId: string): Viewer {
		return { userId: '', orgId };
	}

	/**
	 * Re-decides one document (after its log, or one it depends on, changed) for the orgs that could
	 * have access now and those listed before; for every known org when any could.
	 */
	async refresh(live: LiveDocument, orgs?: () => Promise<readonly string[]>): Promise<void> {
		const before = await this.#store.forDocument(live.name);
		const candidates = this.#registry.accessCandidates(live);
		await this.#decide(
			live,
			candidates ? new Set([...candidates, ...before.keys()]) : await (orgs ?? this.#orgs)(),
			before
		);
	}

	/** Writes what `orgs` may do with `live` now where it differs from `before` (the stored rows). */
	async #decide(
		live: LiveDocument,
		deciding: Iterable<string>,
		before: ReadonlyMap<string, string>
	): Promise<void> {
		const rows: { orgId: string; doc: string; access: string | null }[] = [];
		for (const orgId of deciding) {
			const access = await this.#registry.accessFor(live, this.#orgViewer(orgId));
			if (access === 'none') {
				if (before.has(orgId)) rows.push({ orgId, doc: live.name, access: null });
			} else if (before.get(orgId) !== access) {
				rows.push({ orgId, doc: live.name, access });
			}
		}
		await this.#store.write(rows);
	}

	/**
	 * Re-decides what `live`'s state grants in other documents (a partnership: its reseller's org
	 * document for the provider), for the granted orgs `admits`.
	 */
	async #decideGrants(live: LiveDocument, admits: (orgId: string) => boolean = () => true) {
		for (const { live: granted, orgId } of await this.#registry.accessGrants(live)) {
			if (admits(orgId)) {
				await this.#decide(granted, [orgId], await this.#store.forDocument(granted.name));
			}
		}
	}

	/** Refreshes `live` and the documents whose access looked at it. */
	async refreshWithDependents(live: LiveDocument): Promise<void> {
		// Every known org is read once, and only if some document needs them.
		let all: Promise<readonly string[]> | null = null;
		const orgs = () => (all ??= this.#orgs());
		await this.refresh(live, orgs);
		await this.#decideGrants(live);
		for (const name of this.#registry.dependentsOf(live.name)) {
			const dependent = await this.#registry.get(name);
			if (dependent) await this.refresh(dependent, orgs);
		}
	}

	/** Decides every document for one org (an org seen for the first time) or for all. */
	async rebuild(orgId?: string): Promise<void> {
		if (orgId === undefined) {
			const orgs = await this.#orgs();
			for (const name of await this.#registry.names()) {
				const live = await this.#registry.get(name);
				if (!live) continue;
				await this.refresh(live, async () => orgs);
				await this.#decideGrants(live);
			}
			return;
		}
		for (const name of await this.#concerning(orgId)) {
			const live = await this.#registry.get(name);
			const candidates = live && this.#registry.accessCandidates(live);
			if (live && (!candidates || candidates.includes(orgId))) {
				await this.#decide(live, [orgId], await this.#store.forDocument(live.name));
			}
			if (live) await this.#decideGrants(live, (granted) => granted === orgId);
		}
	}

	/**
	 * The documents whose listing for `orgId` could depend on whether the org is known: those open
	 * to every org (the only ones decided for known orgs alone) and, to be sure, every one its name
	 * or its listed access names. Not every document: a sign-up loads what concerns its org, not the
	 * whole store. The orgs a document's state names (a customer's resellers and providers) were
	 * decided when that state changed (`refresh` decides them all, known or not).
	 */
	async #concerning(orgId: string): Promise<string[]> {
		const names = new Set(await this.#store.forOrg(orgId));
		for (const name of await this.#registry.names()) {
			if (this.#registry.namedFor(name, orgId)) names.add(name);
		}
		return [...names].sort();
	}

	/**
	 * `rebuild(orgId)` for many new orgs in one pass over the documents (the demo customers: one
	 * pass per org would read every document once per customer).
	 */
	async admitOrgs(orgIds: readonly string[]): Promise<void> {
		const admitted = new Set(orgIds);
		for (const name of await this.#registry.names()) {
			const live = await this.#registry.get(name);
			if (!live) continue;
			const candidates = this.#registry.accessCandidates(live);
			const deciding = candidates ? candidates.filter((orgId) => admitted.has(orgId)) : orgIds;
			if (deciding.length > 0) {
				await this.#decide(live, deciding, await this.#store.forDocument(live.name));
			}
			await this.#decideGrants(live, (granted) => admitted.has(granted));
		}
	}

	async isEmpty(): Promise<boolean> {
		return (await this.#store.count()) === 0;
	}

	/**
	 * Of `names`, each one this user may open now with their own access, or null: decided as
	 * `documentsFor` decides it, for a list that changed in these documents only.
	 */
	async documentsAmong(
		viewer: Viewer,
		names: readonly string[]
	): Promise<Map<string, ListedDocument | null>> {
		const found = new Map<string, ListedDocument | null>();
		for (const name of new Set(names)) {
			found.set(name, null);
			if (!(await this.#store.forDocument(name)).has(viewer.orgId)) continue;
			const live = await this.#registry.get(name);
			if (!live) continue;
			const access = await this.#registry.accessFor(live, viewer);
			if (access !== 'none') found.set(name, { name, access, ...live.version() });
		}
		return found;
	}

	/** Every document this user may open now, with their own access. */
	async documentsFor(viewer: Viewer): Promise<ListedDocument[]> {
		const listed: ListedDocument[] = [];
		for (const doc of await this.#store.forOrg(viewer.orgId)) {
			const live = await this.#registry.get(doc);
			if (!live) continue;
			const access = await this.#registry.accessFor(live, viewer);
			if (access !== 'none') listed.push({ name: doc, access, ...live.version() });
		}
		return listed;
	}
}
