// Where a change was made, from its document and event: the page the shell's notice of refused
// changes links to, named as the menu names it. A change with no page of its own goes to Pending
// changes, which lists every pending and refused change.
import { resolve } from '$app/paths';
import { parseDocumentName } from '$lib/domain/documents';
import type { DomainEvent } from '$lib/domain/events';
import type { PagePath } from './page-access';

export interface ChangePlace {
	/** the page as the access table names it (its label comes from PAGE_LABELS) */
	readonly page: PagePath;
	readonly href: string;
}

const PENDING: ChangePlace = { page: '/pending-changes', href: resolve('/pending-changes') };

const place = (page: Exclude<PagePath, '/partnerships'>): ChangePlace => ({
	page,
	href: resolve(page)
});

/** Org-document changes by what they are about: users, enrollment. */
function orgPlace(event: DomainEvent, orgId: string): ChangePlace {
	const [area, action] = event.type.split('.');
	if (area === 'user') return place('/settings/user-management');
	if (area === 'enrollment') {
		const reviewed = action === 'approved' || action === 'rejected' || action === 'infoRequested';
		return reviewed
			? {
					page: '/enrollment-review',
					href: resolve('/(app)/enrollment-review/[orgId]', { orgId })
				}
			: place('/enrollment');
	}
	return PENDING;
}

/** A link's change: the list of the links of its kind (a provider's are its resellers'). */
function invitationPlace(event: DomainEvent, viewerKind: string | undefined): ChangePlace {
	const kind = event.type === 'invitation.created' ? event.payload.kind : null;
	if (kind === 'reseller' || (kind === null && viewerKind === 'indirectProvider')) {
		return place('/indirect-resellers');
	}
	if (kind === 'customerWithProvider') return place('/indirect-providers');
	return place('/customers');
}

/** `event` is absent for an outcome the server wrote (an order that failed): its document decides. */
export function changePlace(
	change: { readonly doc: string; readonly event?: DomainEvent },
	viewerKind: string | undefined
): ChangePlace {
	const ref = parseDocumentName(change.doc);
	switch (ref?.kind) {
		case 'customer':
			return {
				page: viewerKind === 'customer' ? '/organization' : '/customers',
				href: resolve('/(app)/customers/[customerId]', { customerId: ref.customerId })
			};
		case 'partnership':
			return {
				page: '/partnerships',
				href: resolve('/(app)/partnerships/[providerId]/[resellerId]', {
					providerId: ref.providerId,
					resellerId: ref.resellerId
				})
			};
		case 'org':
			return change.event ? orgPlace(change.event, ref.orgId) : PENDING;
		case 'invitations':
			return change.event ? invitationPlace(change.event, viewerKind) : PENDING;
		default:
			return PENDING;
	}
}
