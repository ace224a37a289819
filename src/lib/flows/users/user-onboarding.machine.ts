// A user of an org: added with a temporary password, must change it at first sign-in, can be
// disabled, enabled and removed. Guards keep the permission table and the last Global admin rule.
import { and, setup } from 'xstate';
import { mayManageUser, type Role } from '$lib/domain/permissions';
import type { FactOf, OrgDocumentState } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import { isDeviceHash } from '$lib/domain/temporary-password';
import type { DoorRule } from '$lib/flows/documents/door-rules';
import type { OrgWorld } from '$lib/flows/organization/organization.machine';
import { authorRoles, isEmailUsedInOrg, losesLastGlobalAdmin, rolesOf } from './org-queries';

export type UserOnboardingFact = FactOf<
	| 'user.added'
	| 'user.rolesChanged'
	| 'user.disabled'
	| 'user.enabled'
	| 'user.removed'
	| 'user.passwordChanged',
	OrgWorld
>;

function targetRoles(fact: UserOnboardingFact): readonly Role[] {
	return fact.type === 'user.added'
		? []
		: (fact.world.doc.users[fact.event.payload.userId]?.roles ?? []);
}

function rolesAfter(fact: UserOnboardingFact): readonly Role[] {
	return fact.type === 'user.added' || fact.type === 'user.rolesChanged'
		? fact.event.payload.roles
		: targetRoles(fact);
}

export const userOnboardingMachine = setup({
	types: {} as { events: UserOnboardingFact },
	guards: {
		/** Only a Global admin grants Global admin or manages a user who is one. */
		isAuthorAllowedToManageUser: ({ event }) => {
			const roles = authorRoles(event.world.doc, event.event.by.userId);
			return roles === 'system' || mayManageUser(roles, targetRoles(event), rolesAfter(event));
		},
		isEmailUnusedInOrg: ({ event }) =>
			event.type !== 'user.added' || !isEmailUsedInOrg(event.world.doc, event.event.payload.email),
		/** Disabling, removing or demoting must leave another active Global admin. */
		isNotLastGlobalAdmin: ({ event }) =>
			event.type === 'user.added' ||
			!losesLastGlobalAdmin(
				event.world.doc,
				event.event.payload.userId,
				event.type === 'user.rolesChanged' ? event.event.payload.roles : null
			),
		hasChangedTemporaryPassword: ({ event }) =>
			event.type !== 'user.added' &&
			event.world.doc.users[event.event.payload.userId]?.temporaryPasswordHash === null
	}
}).createMachine({
	id: 'userOnboarding',
	initial: 'none',
	states: {
		none: {
			on: {
				'user.added': {
					guard: and(['isAuthorAllowedToManageUser', 'isEmailUnusedInOrg']),
					target: 'awaitingFirstSignIn'
				}
			}
		},
		awaitingFirstSignIn: {
			on: {
				'user.passwordChanged': 'active',
				'user.rolesChanged': {
					guard: and(['isAuthorAllowedToManageUser', 'isNotLastGlobalAdmin']),
					target: 'awaitingFirstSignIn'
				},
				'user.disabled': {
					guard: and(['isAuthorAllowedToManageUser', 'isNotLastGlobalAdmin']),
					target: 'disabled'
				},
				'user.removed': {
					guard: and(['isAuthorAllowedToManageUser', 'isNotLastGlobalAdmin']),
					target: 'removed'
				}
			}
		},
		active: {
			on: {
				'user.passwordChanged': 'active',
				'user.rolesChanged': {
					guard: and(['isAuthorAllowedToManageUser', 'isNotLastGlobalAdmin']),
					target: 'active'
				},
				'user.disabled': {
					guard: and(['isAuthorAllowedToManageUser', 'isNotLastGlobalAdmin']),
					target: 'disabled'
				},
				'user.removed': {
					guard: and(['isAuthorAllowedToManageUser', 'isNotLastGlobalAdmin']),
					target: 'removed'
				}
			}
		},
		disabled: {
			on: {
				'user.enabled': [
					{
						guard: and(['isAuthorAllowedToManageUser', 'hasChangedTemporaryPassword']),
						target: 'active'
					},
					{ guard: 'isAuthorAllowedToManageUser', target: 'awaitingFirstSignIn' }
				],
				'user.rolesChanged': { guard: 'isAuthorAllowedToManageUser', target: 'disabled' },
				'user.removed': { guard: 'isAuthorAllowedToManageUser', target: 'removed' }
			}
		},
		removed: {}
	}
});

export const userOnboardingRefusals: Refusals = {
	guards: {
		isAuthorAllowedToManageUser: 'error_global_admin_required',
		isEmailUnusedInOrg: 'error_email_taken',
		isNotLastGlobalAdmin: 'error_last_global_admin',
		hasChangedTemporaryPassword: 'error_not_allowed_now'
	},
	states: {
		none: 'error_user_missing',
		awaitingFirstSignIn: { 'user.added': 'error_user_exists', '*': 'error_not_allowed_now' },
		active: { 'user.added': 'error_user_exists', '*': 'error_not_allowed_now' },
		disabled: { 'user.added': 'error_user_exists', '*': 'error_not_allowed_now' },
		removed: { 'user.added': 'error_user_exists', '*': 'error_user_missing' }
	},
	otherwise: 'error_not_allowed_now'
};

/**
 * The user rules at the door: who may touch a Global admin, the shape of a device-made temporary
 * password hash, and (against the state the server holds now) the last Global admin.
 */
export const userDoorRule: DoorRule<OrgDocumentState> = (state, event, roles) => {
	if (!event.type.startsWith('user.') || !('userId' in event.payload)) return null;
	const { userId } = event.payload;
	const before = event.type === 'user.added' ? [] : rolesOf(state, userId);
	const after = 'roles' in event.payload ? event.payload.roles : before;
	if (!mayManageUser(roles, before, after)) {
		return {
			code: 'error_global_admin_required',
			message: 'only a Global admin manages Global admins'
		};
	}
	if (event.type === 'user.added' && !isDeviceHash(event.payload.temporaryPassword.hash)) {
		return {
			code: 'error_password_hash_invalid',
			message: 'a temporary password is a pbkdf2-sha256 hash with at least 100000 iterations'
		};
	}
	const demotes =
		event.type === 'user.rolesChanged'
			? event.payload.roles
			: event.type === 'user.disabled' || event.type === 'user.removed'
				? null
				: undefined;
	if (demotes !== undefined && losesLastGlobalAdmin(state, userId, demotes)) {
		return {
			code: 'error_last_global_admin',
			message: 'the org would have no active Global admin'
		};
	}
	return null;
};
