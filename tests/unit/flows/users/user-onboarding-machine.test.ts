// The user onboarding machine: every state and refusal reached from the org log's events.
import {
	userOnboardingMachine,
	userOnboardingRefusals
} from '$lib/flows/users/user-onboarding.machine';
import { describe, expect, it } from 'vitest';
import { admin, manager } from '../actors';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { DAY, fact, orgWorld, T0, user } from '../worlds';

describe('user onboarding machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const fine = orgWorld('indirectProvider', [
			user('pat', ['globalAdmin']),
			user('u-1', ['salesAgent'])
		]);
		const firstSignInPending = orgWorld('indirectProvider', [
			user('pat', ['globalAdmin']),
			user('u-1', ['salesAgent'], {
				temporaryPasswordHash: 'h',
				temporaryPasswordExpiresAt: T0 + DAY
			})
		]);
		const lastGlobalAdmin = orgWorld('indirectProvider', [
			user('uma', ['userManagementAdmin']),
			user('u-1', ['globalAdmin'])
		]);
		const facts = [
			fact('user.added', SAMPLE_PAYLOADS['user.added'], fine, { by: admin }),
			fact('user.added', { ...SAMPLE_PAYLOADS['user.added'], email: 'pat@example.com' }, fine, {
				by: admin
			}),
			fact(
				'user.added',
				{ ...SAMPLE_PAYLOADS['user.added'], roles: ['globalAdmin'] },
				lastGlobalAdmin,
				{ by: manager }
			),
			fact('user.passwordChanged', { userId: 'u-1' }, fine),
			fact('user.rolesChanged', { userId: 'u-1', roles: ['adminAgent'] }, fine, { by: admin }),
			fact('user.rolesChanged', { userId: 'u-1', roles: ['adminAgent'] }, lastGlobalAdmin),
			fact('user.disabled', { userId: 'u-1' }, fine, { by: admin }),
			fact('user.disabled', { userId: 'u-1' }, lastGlobalAdmin),
			fact('user.enabled', { userId: 'u-1' }, fine, { by: admin }),
			fact('user.enabled', { userId: 'u-1' }, firstSignInPending, { by: admin }),
			fact('user.enabled', { userId: 'u-1' }, lastGlobalAdmin, { by: manager }),
			fact('user.removed', { userId: 'u-1' }, fine, { by: admin }),
			fact('user.removed', { userId: 'u-1' }, lastGlobalAdmin)
		];
		const exploration = exploreLogMachine(userOnboardingMachine, userOnboardingRefusals, facts);
		expectFullCoverage(userOnboardingMachine, exploration);
		expect(exploration.paths).toBeGreaterThanOrEqual(5);
	});
});
