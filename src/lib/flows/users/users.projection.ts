// The users slice of an org document's projection: User management's events (add, roles, disable,
// enable, remove, the first password change), decided by the user onboarding machine.
import type { UserStatus } from '$lib/domain/model';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import type { ProjectionSlice } from '$lib/flows/documents/projection-slice';
import {
	userOnboardingMachine,
	userOnboardingRefusals,
	type UserOnboardingFact
} from './user-onboarding.machine';

export const userOnboardingStepper = createStepper(userOnboardingMachine, userOnboardingRefusals);

export const usersSlice: ProjectionSlice<OrgDocumentState, UserOnboardingFact['type']> = {
	types: [
		'user.added',
		'user.rolesChanged',
		'user.disabled',
		'user.enabled',
		'user.removed',
		'user.passwordChanged'
	],
	step: (state, event) =>
		userOnboardingStepper.step(
			userOnboardingStepper.snapshotFor(state.users[event.payload.userId]?.status ?? 'none'),
			{ type: event.type, event, world: { doc: state } } as UserOnboardingFact
		),
	fold(state, event, stamp, status) {
		if (event.type === 'user.added') {
			const p = event.payload;
			state.users[p.userId] = {
				userId: p.userId,
				email: p.email,
				fullName: p.fullName,
				roles: [...p.roles],
				status: status as UserStatus,
				temporaryPasswordExpiresAt: p.temporaryPassword.expiresAt,
				temporaryPasswordHash: p.temporaryPassword.hash,
				added: stamp
			};
			return;
		}
		const user = state.users[event.payload.userId];
		if (!user) return;
		user.status = status as UserStatus;
		if (event.type === 'user.rolesChanged') user.roles = [...event.payload.roles];
		if (event.type === 'user.passwordChanged') {
			user.temporaryPasswordHash = null;
			user.temporaryPasswordExpiresAt = null;
		}
	}
};
