// What an access change may reach: the documents whose listing it touched and the orgs whose lists
// it could alter. Decided where the change is loaded, and sent as is to the other processes of a
// cluster (which may hold none of these documents) so each re-decides its own channels' lists.
import type { DocumentRegistry } from './document-registry.js';
import type { LiveDocument } from './live-document.js';

export interface AccessChange {
	/** the changed document and the ones whose access looked at it */
	readonly names: readonly string[];
	/** the orgs that could have access to any of them now */
	readonly orgs: readonly string[];
	/** any org could (a document open to every org) */
	readonly anyOrg: boolean;
}

/** The scope of a change to `changed`'s access basis, as this process's registry knows it. */
export function accessChangeOf(registry: DocumentRegistry, changed: LiveDocument): AccessChange {
	const names = [changed.name, ...registry.dependentsOf(changed.name)];
	const orgs = new Set<string>();
	// Roles live in the org's document: its users' lists may change with any of its events.
	if (changed.ref.kind === 'org') orgs.add(changed.ref.orgId);
	for (const name of names) {
		const live = name === changed.name ? changed : registry.peek(name);
		const candidates = live ? registry.accessCandidates(live) : null;
		if (candidates === null) return { names, orgs: [], anyOrg: true };
		for (const orgId of candidates) orgs.add(orgId);
	}
	return { names, orgs: [...orgs], anyOrg: false };
}

/** A change that only made `orgIds` known (their first accounts): their lists may have grown. */
export function orgsAdmitted(orgIds: readonly string[]): AccessChange {
	return { names: [], orgs: orgIds, anyOrg: false };
}
