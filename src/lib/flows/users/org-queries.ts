// Questions the org document's guards and access rules ask of its read model. The user rules also
// take a page's rows (User management asks them before a person tries what they would refuse).
import { SYSTEM_USER_ID } from '$lib/domain/ids';
import type { OrgUser } from '$lib/domain/model';
import type { Role } from '$lib/domain/permissions';
import { normalizeEmail } from '$lib/domain/rules';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';

/** What the user rules read of a user: the org document's user, or a read model's row. */
export type UserStanding = Pick<OrgUser, 'userId' | 'status' | 'roles'>;

/** An org's users by id, as the org document's state or as rows read from it. */
export interface OrgUsersView {
	readonly users: Readonly<Record<string, UserStanding>>;
}

/** Users who can still sign in and act. */
export function isUserLive<User extends UserStanding>(user: User | undefined): user is User {
	return user !== undefined && (user.status === 'active' || user.status === 'awaitingFirstSignIn');
}

/** A user the org disabled or removed (one the org document does not name is neither). */
export function isUserEnded(user: UserStanding | undefined): boolean {
	return user !== undefined && !isUserLive(user);
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
export function hasOtherActiveGlobalAdmin(state: OrgUsersView, userId: string): boolean {
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
	state: OrgUsersView,
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
