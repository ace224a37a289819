import { describe, expect, it } from 'vitest';
import { enrollmentMachine, enrollmentRefusals } from '$lib/flows/enrollment/enrollment.machine';
import { invitationMachine, invitationRefusals } from '$lib/flows/partnership/invitation.machine';
import {
	organizationMachine,
	organizationRefusals
} from '$lib/flows/organization/organization.machine';
import {
	userOnboardingMachine,
	userOnboardingRefusals
} from '$lib/flows/users/user-onboarding.machine';
import { HASH } from '../factories';
import { SAMPLE_PAYLOADS } from './samples';
import { expectFullCoverage, exploreLogMachine } from './machine-paths';
import { DAY, fact, orgWorld, T0, user } from './worlds';

const admin = { userId: 'pat', orgId: 'org-1' };
const manager = { userId: 'uma', orgId: 'org-1' };

describe('organization machine', () => {
	it('reaches every state along generated paths', () => {
		const world = orgWorld('indirectProvider', []);
		const facts = [
			fact('org.created', SAMPLE_PAYLOADS['org.created'], world),
			fact('org.profileUpdated', SAMPLE_PAYLOADS['org.profileUpdated'], world)
		];
		expectFullCoverage(
			organizationMachine,
			exploreLogMachine(organizationMachine, organizationRefusals, facts)
		);
	});
});

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

describe('invitation machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const provider = orgWorld('indirectProvider', [], (doc) => {
			doc.invitations['inv-1'] = {
				invitationId: 'inv-1',
				kind: 'reseller',
				providerId: null,
				tokenHash: HASH,
				expiresAt: T0 + 7 * DAY,
				status: 'pending',
				redeemedBy: null,
				recipient: null,
				created: doc.org!.created,
				closed: null
			};
		});
		const facts = [
			fact('invitation.created', SAMPLE_PAYLOADS['invitation.created'], provider, { by: admin }),
			fact(
				'invitation.created',
				{ ...SAMPLE_PAYLOADS['invitation.created'], kind: 'customer' },
				provider,
				{ by: admin }
			),
			fact('invitation.revoked', { invitationId: 'inv-1' }, provider, { by: admin }),
			fact('invitation.addressed', SAMPLE_PAYLOADS['invitation.addressed'], provider, {
				by: admin
			}),
			fact('invitation.redeemed', { invitationId: 'inv-1', orgId: 'resl' }, provider),
			fact('invitation.redeemed', { invitationId: 'inv-1', orgId: 'resl' }, provider, {
				at: T0 + 8 * DAY
			})
		];
		expectFullCoverage(
			invitationMachine,
			exploreLogMachine(invitationMachine, invitationRefusals, facts)
		);
	});
});

describe('enrollment machine', () => {
	it('reaches every state and exercises every guard along generated paths', () => {
		const applicant = { userId: 'rio', orgId: 'org-1' };
		const profiles = [
			{ mpnId: '1234567', legalName: 'Contoso KK', country: 'JP' },
			{ mpnId: '7654321', legalName: 'Contoso Inc', country: 'US' }
		];
		const reseller = orgWorld(
			'indirectReseller',
			[user('rio', ['globalAdmin', 'adminAgent'])],
			(doc) => {
				doc.enrollment.linkedProfiles = profiles;
				doc.enrollment.primaryContact = { name: 'Aiko', email: 'aiko@contoso.co.jp' };
			}
		);
		const enrolledReseller = orgWorld('indirectReseller', [user('rio', ['globalAdmin'])], (doc) => {
			doc.org!.alreadyEnrolledInCsp = true;
		});
		const provider = orgWorld('indirectProvider', [user('rio', ['globalAdmin'])]);
		const submitted = SAMPLE_PAYLOADS['enrollment.submitted'];
		if (submitted.track !== 'new') throw new Error('sample is the new track');
		const facts = [
			fact('enrollment.mpnLinked', SAMPLE_PAYLOADS['enrollment.mpnLinked'], reseller),
			fact('enrollment.mpnLinked', SAMPLE_PAYLOADS['enrollment.mpnLinked'], provider),
			fact('enrollment.submitted', submitted, reseller, { by: applicant }),
			fact('enrollment.submitted', { ...submitted, mpnId: '7654321' }, reseller, { by: applicant }),
			fact('enrollment.submitted', { ...submitted, mpnId: '1111111' }, reseller, { by: applicant }),
			fact(
				'enrollment.submitted',
				{ ...submitted, primaryContact: { name: 'Ken', email: 'ken@contoso.co.jp' } },
				reseller,
				{ by: applicant }
			),
			fact(
				'enrollment.submitted',
				{ track: 'alreadyEnrolled', support: submitted.support },
				enrolledReseller,
				{ by: applicant }
			),
			fact(
				'enrollment.submitted',
				{ track: 'alreadyEnrolled', support: submitted.support },
				reseller,
				{ by: applicant }
			),
			fact(
				'enrollment.submitted',
				{ track: 'alreadyEnrolled', support: submitted.support },
				provider,
				{ by: applicant }
			),
			// An answer to a request for more information (issue 21); refused on a first application.
			fact('enrollment.submitted', { ...submitted, answer: 'Added the support URL.' }, reseller, {
				by: applicant
			}),
			fact(
				'enrollment.submitted',
				{ track: 'alreadyEnrolled', support: submitted.support, answer: 'Done.' },
				enrolledReseller,
				{ by: applicant }
			),
			fact('enrollment.emailVerified', {}, reseller),
			fact('enrollment.approved', {}, reseller, { by: { userId: 'olga', orgId: 'program' } }),
			fact('enrollment.rejected', SAMPLE_PAYLOADS['enrollment.rejected'], reseller),
			fact('enrollment.infoRequested', SAMPLE_PAYLOADS['enrollment.infoRequested'], reseller),
			fact('enrollment.adminAgentConfirmed', {}, reseller, { by: applicant }),
			fact('enrollment.adminAgentConfirmed', {}, enrolledReseller, { by: applicant })
		];
		expectFullCoverage(
			enrollmentMachine,
			exploreLogMachine(enrollmentMachine, enrollmentRefusals, facts)
		);
	});
});
