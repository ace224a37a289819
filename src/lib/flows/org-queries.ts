// Questions the org document's guards and access rules ask of its read model.
import { SYSTEM_USER_ID } from '$lib/domain/ids';
import type { OrgUser } from '$lib/domain/model';
import type { Role } from '$lib/domain/permissions';
import { normalizeEmail } from '$lib/domain/rules';
import type { OrgDocumentState } from './document-state';

/** Users who can still sign in and act. */
export function isUserLive(user: OrgUser | undefined): user is OrgUser {
	return user !== undefined && (user.status === 'active' || user.status === 'awaitingFirstSignIn');
}

/** A user's current roles; none once disabled or removed. */
export function rolesOf(orgState: OrgDocumentState, userId: string): readonly Role[] {
	const user = orgState.users[userId];
	return isUserLive(user) ? user.roles : [];
}

export function isEmailUsedInOrg(state: OrgDocumentState, email: string): boolean {
	const wanted = normalizeEmail(email);
	return Object.values(state.users).some(
		(user) => user.status !== 'removed' && normalizeEmail(user.email) === wanted
	);
}

/** Active Global admins other than `userId`: the org may never lose its last one. */
export function hasOtherActiveGlobalAdmin(state: OrgDocumentState, userId: string): boolean {
	return Object.values(state.users).some(
		(user) =>
			user.userId !== userId && user.status === 'active' && user.roles.includes('globalAdmin')
	);
}

/**
 * True when taking `userId` out of Global admin (new roles without it, or `null` for disabling or
 * removing them) would leave the org with no active Global admin.
 */
export function losesLastGlobalAdmin(
	state: OrgDocumentState,
	userId: string,
	rolesAfter: readonly Role[] | null
): boolean {
	const user = state.users[userId];
	const wasGlobalAdmin = isUserLive(user) && user.roles.includes('globalAdmin');
	const staysGlobalAdmin = rolesAfter !== null && rolesAfter.includes('globalAdmin');
	return wasGlobalAdmin && !staysGlobalAdmin && !hasOtherActiveGlobalAdmin(state, userId);
}

/** The roles an author holds at this point of the log; the server acts with every capability. */
export function authorRoles(state: OrgDocumentState, userId: string): readonly Role[] | 'system' {
	return userId === SYSTEM_USER_ID ? 'system' : rolesOf(state, userId);
}
