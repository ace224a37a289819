// Who may open a document (DESIGN.md "Documents"): access lists are projections of the logs, and
// reads follow roles. Also what of a state access reads (its basis) and which orgs it can open to,
// so the server re-decides a document's listing only when that changes, and only for those orgs.
import type { DocumentRef } from '$lib/domain/documents';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import {
	can,
	mayReadDocument,
	OTHER_ORG_READERS,
	readProfile,
	type Capability,
	type Role
} from '$lib/domain/permissions';
import {
	isLive,
	isProviderOfRecord,
	isResellerOfRecord
} from '$lib/flows/customer/customer-queries';
import { REVIEW_STATUSES } from '$lib/flows/enrollment/enrollment.machine';
import { isUserLive, rolesOf } from '$lib/flows/users/org-queries';
import type { DocumentProjection } from './document-state';

export type Access = 'none' | 'read' | 'write';

export interface Viewer {
	readonly userId: string;
	readonly orgId: string;
	/**
	 * The user's roles, from their org document: reads follow roles (DOCUMENT_READERS). Absent only
	 * for a question about the org as a whole (the server's listing index keeps one row per org
	 * and asks again, with the user's roles, when it serves a user's list).
	 */
	readonly roles?: readonly Role[];
}

/** Whether the viewer's roles (when the question is about a user) include one of `capabilities`. */
function rolesAllow(viewer: Viewer, capabilities: readonly Capability[]): boolean {
	const roles = viewer.roles;
	return roles === undefined || capabilities.some((capability) => can(roles, capability));
}

/**
 * Whether the server made this a customer's document: it holds the tenant (`customer.created`) or
 * a relationship the customer was asked for, both written only for an org of kind customer. Until
 * then the org named in it is no customer of it (a provider or reseller opening `customer/<its own
 * id>` would otherwise get a customer document of its own to write).
 */
function isCustomerDocument(state: DocumentProjection): boolean {
	return (
		state.kind === 'customer' &&
		(state.customer !== null || Object.keys(state.relationships).length > 0)
	);
}

/** Other documents' projections, for access that another document grants (partnerships). */
export type RelatedProjections = (ref: DocumentRef) => DocumentProjection | undefined;

const REVIEWABLE: ReadonlySet<string> = new Set(REVIEW_STATUSES);

/**
 * Who may open a document (DESIGN.md "Documents"). Access lists are projections of the logs: an
 * accepted reseller relationship opens the customer document to that reseller, a redeemed provider
 * invitation opens the partnership to both sides, a submitted application opens the applicant's org
 * document to the program operator, and an authorized provider with admin access may read its
 * reseller's org document (pass `related` to let it look at the partnership). Reads follow roles:
 * a user of a party whose roles give no capability over the kind of document gets none of it.
 */
export function accessFor(
	ref: DocumentRef,
	state: DocumentProjection,
	viewer: Viewer,
	related?: RelatedProjections
): Access {
	if (viewer.userId === SYSTEM_USER_ID) return viewer.orgId === PROGRAM_ORG_ID ? 'write' : 'none';
	if (viewer.roles !== undefined && !mayReadDocument(viewer.roles, ref.kind)) return 'none';
	return partyAccess(ref, state, viewer, related);
}

/** What the viewer's org may do with the document as a party to it (and, for other orgs, its roles). */
function partyAccess(
	ref: DocumentRef,
	state: DocumentProjection,
	viewer: Viewer,
	related?: RelatedProjections
): Access {
	switch (ref.kind) {
		case 'org': {
			if (state.kind !== 'org') return 'none';
			if (viewer.orgId === ref.orgId) {
				const user = state.users[viewer.userId];
				// Before the log names its users (a brand-new org), the server's account decides.
				return user === undefined || isUserLive(user) ? 'write' : 'none';
			}
			if (viewer.orgId === PROGRAM_ORG_ID && REVIEWABLE.has(state.enrollment.status)) {
				return rolesAllow(viewer, OTHER_ORG_READERS.program) ? 'write' : 'none';
			}
			if (!rolesAllow(viewer, OTHER_ORG_READERS.provider)) return 'none';
			const partnership = related?.({
				kind: 'partnership',
				providerId: viewer.orgId,
				resellerId: ref.orgId
			});
			if (partnership?.kind === 'partnership' && partnership.partnership.adminAccess) return 'read';
			return 'none';
		}
		case 'invitations': {
			// The org's own links: its users only (a partner reading the org document reads none).
			if (state.kind !== 'invitations' || viewer.orgId !== ref.orgId) return 'none';
			// Who its users are is the org document's: one it disabled or removed opens neither.
			const org = related?.({ kind: 'org', orgId: ref.orgId });
			const user = org?.kind === 'org' ? org.users[viewer.userId] : undefined;
			return user === undefined || isUserLive(user) ? 'write' : 'none';
		}
		case 'partnership': {
			if (state.kind !== 'partnership') return 'none';
			if (viewer.orgId !== ref.providerId && viewer.orgId !== ref.resellerId) return 'none';
			const status = state.partnership.status;
			if (status === 'none') return 'none';
			return status === 'invited' || status === 'authorized' || status === 'adminAccessRemoved'
				? 'write'
				: 'read';
		}
		case 'customer': {
			if (state.kind !== 'customer') return 'none';
			if (viewer.orgId === ref.customerId) return isCustomerDocument(state) ? 'write' : 'none';
			return isResellerOfRecord(state, viewer.orgId) || isProviderOfRecord(state, viewer.orgId)
				? 'write'
				: 'none';
		}
		case 'directory':
			return viewer.orgId === PROGRAM_ORG_ID ? 'write' : 'read';
	}
}

/**
 * Everything of a document's state that `accessFor` and `accessCandidates` read, as one string: two
 * states with the same basis open the document, and the documents whose access looks at it (an
 * org document at its partnerships), to the same orgs and users. The server re-decides access and
 * its listing only when a document's basis changes, not on every edit (most change none of it).
 */
export function accessBasis(state: DocumentProjection): string {
	switch (state.kind) {
		case 'org':
			// Users' roles too, as what they open: the org's users read other documents by them.
			return JSON.stringify([
				REVIEWABLE.has(state.enrollment.status),
				Object.entries(state.users).map(([userId, user]) => [
					userId,
					isUserLive(user),
					readProfile(rolesOf(state, userId))
				])
			]);
		case 'partnership':
			return JSON.stringify([state.partnership.status, state.partnership.adminAccess]);
		case 'customer':
			return JSON.stringify([
				isCustomerDocument(state),
				Object.values(state.relationships).map((relationship) => [
					relationship.resellerId,
					relationship.providerId ?? null,
					isLive(relationship),
					relationship.status === 'active'
				])
			]);
		// its access looks only at its name and the org document's users (whose basis that is)
		case 'invitations':
		case 'directory':
			return '';
	}
}

/**
 * Every org `accessFor` could open `ref` to (as an org, whichever its user) by its own state; null
 * when that can be any org (the directory opens to everyone). Access another document grants is
 * named by that document (`accessGrants`: a partnership opens its reseller's org document to the
 * provider), so an org document's parties are itself and the program, however many orgs there are.
 * Lets the server re-decide a busy document's listing for its few parties instead of every org.
 */
export function accessCandidates(
	ref: DocumentRef,
	state: DocumentProjection
): readonly string[] | null {
	switch (ref.kind) {
		case 'partnership':
			return [ref.providerId, ref.resellerId];
		case 'customer': {
			if (state.kind !== 'customer') return [ref.customerId];
			const parties = new Set([ref.customerId]);
			for (const relationship of Object.values(state.relationships)) {
				parties.add(relationship.resellerId);
				if (relationship.providerId) parties.add(relationship.providerId);
			}
			return [...parties];
		}
		case 'org':
			return [ref.orgId, PROGRAM_ORG_ID];
		case 'invitations':
			return [ref.orgId];
		case 'directory':
			return null;
	}
}

/** A document whose access for `orgId` another document's state decides (see `accessGrants`). */
export interface AccessGrant {
	readonly ref: DocumentRef;
	readonly orgId: string;
}

/**
 * The access `ref`'s state decides in other documents, beyond their own candidates: a partnership
 * with admin access opens the reseller's org document to its provider (see `partyAccess`). When
 * `ref`'s basis changes, these are re-decided for these orgs.
 */
export function accessGrants(ref: DocumentRef): readonly AccessGrant[] {
	return ref.kind === 'partnership'
		? [{ ref: { kind: 'org', orgId: ref.resellerId }, orgId: ref.providerId }]
		: [];
}
