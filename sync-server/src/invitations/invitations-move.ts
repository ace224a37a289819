// An org document written before an org's links had a document of their own holds them in its log.
// Once per store, at start, each such org's link events are copied as they were written (same ids,
// authors, times and order) into `invitations/<orgId>`, where the app and the server read links
// now. The org document keeps them as history, which its projection passes over
// (INVITATION_EVENT_TYPES); its door takes no new ones.
import { documentName } from '$lib/domain/documents';
import type { EventType } from '$lib/domain/events';
import { INVITATION_EVENT_TYPES } from '$lib/flows/partnership/invitations.projection';
import type { DocumentRegistry } from '../docs/document-registry.js';

function isLinkEvent(entry: unknown): boolean {
	const type = (entry as { type?: unknown } | null)?.type;
	return typeof type === 'string' && INVITATION_EVENT_TYPES.has(type as EventType);
}

/**
 * Copies the link events of every org document that has some into that org's invitations
 * document, unless it has events already (moved before). Run while no other process serves the
 * store (its exclusive start). Returns the orgs whose links were moved.
 */
export async function moveInvitations(registry: DocumentRegistry): Promise<string[]> {
	const moved: string[] = [];
	for (const name of await registry.names()) {
		const ref = registry.policy.parse(name);
		if (ref?.kind !== 'org') continue;
		const live = await registry.get(name);
		const links = live ? live.log.toArray().filter(isLinkEvent) : [];
		if (links.length === 0) continue;
		const target = { kind: 'invitations', orgId: ref.orgId } as const;
		if (((await registry.current(target))?.length ?? 0) > 0) continue;
		if (await registry.appendHistory(documentName(target), links)) moved.push(ref.orgId);
	}
	return moved;
}
