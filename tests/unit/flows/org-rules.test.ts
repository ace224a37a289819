// The documentation's rules for organizations, users, invitations and enrollment, as projections of
// logs: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { parseEvent } from '$lib/domain/events';
import { DAY, SYSTEM, T0, userAdded } from '../factories';
import { SAMPLE_PAYLOADS } from './samples';
import {
	invitationPayload,
	orgLog,
	project,
	PROVIDER,
	providerAdmin,
	RESELLER,
	resellerAdmin,
	reviewer
} from './scenarios';

const providerRef = { kind: 'org', orgId: PROVIDER } as const;
const resellerRef = { kind: 'org', orgId: RESELLER } as const;

function org(
	ref: typeof providerRef | typeof resellerRef,
	log: readonly unknown[]
): OrgDocumentState {
	const state = project(ref, log);
	if (state.kind !== 'org') throw new Error('expected an org projection');
	return state;
}

const codes = (state: OrgDocumentState) => state.superseded.map((s) => s.code);

describe('users and roles', () => {
	it('adds a user awaiting first sign-in with a temporary password, active once it is changed', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		expect(org(providerRef, log).users.sam).toMatchObject({
			status: 'awaitingFirstSignIn',
			temporaryPasswordExpiresAt: T0 + 14 * DAY
		});
		push('user.passwordChanged', SYSTEM, { userId: 'sam' });
		expect(org(providerRef, log).users.sam).toMatchObject({
			status: 'active',
			temporaryPasswordHash: null
		});
	});

	it('refuses a second user with the same email address, whatever its case', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push(
			'user.added',
			providerAdmin,
			userAdded('sam', ['salesAgent'], { email: 'sam@fabrikam.example' })
		);
		push(
			'user.added',
			providerAdmin,
			userAdded('sam2', ['salesAgent'], { email: 'SAM@fabrikam.example' })
		);
		const state = org(providerRef, log);
		expect(state.users.sam2).toBeUndefined();
		expect(codes(state)).toEqual(['error_email_taken']);
	});

	it.each([
		['removed', 'user.removed'],
		['disabled', 'user.disabled']
	] as const)('never lets the last Global admin be %s', (_, type) => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push(type, providerAdmin, { userId: 'pat' });
		expect(codes(org(providerRef, log))).toEqual(['error_last_global_admin']);
		push('user.added', providerAdmin, userAdded('gia', ['globalAdmin']));
		push('user.passwordChanged', SYSTEM, { userId: 'gia' });
		push(type, providerAdmin, { userId: 'pat' });
		expect(org(providerRef, log).users.pat?.status).toBe(
			type === 'user.removed' ? 'removed' : 'disabled'
		);
	});

	it('never demotes the last Global admin', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.rolesChanged', providerAdmin, { userId: 'pat', roles: ['adminAgent'] });
		const state = org(providerRef, log);
		expect(state.users.pat?.roles).toEqual(['globalAdmin']);
		expect(codes(state)).toEqual(['error_last_global_admin']);
	});

	it('lets only a Global admin grant Global admin', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('uma', ['userManagementAdmin']));
		const uma = { userId: 'uma', orgId: PROVIDER };
		push('user.added', uma, userAdded('sam', ['salesAgent']));
		push('user.added', uma, userAdded('eve', ['globalAdmin']));
		const state = org(providerRef, log);
		expect(Object.keys(state.users).sort()).toEqual(['pat', 'sam', 'uma']);
		expect(codes(state)).toEqual(['error_global_admin_required']);
	});

	it('judges an author by the roles the log gives them at that point (a demoted admin’s later edit loses)', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('uma', ['userManagementAdmin']));
		push('user.rolesChanged', providerAdmin, { userId: 'uma', roles: ['salesAgent'] });
		push('user.added', { userId: 'uma', orgId: PROVIDER }, userAdded('sam', ['salesAgent']));
		expect(codes(org(providerRef, log))).toEqual(['error_missing_capability']);
	});

	it('re-enables a user into the step they had reached', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('user.added', providerAdmin, userAdded('sam', ['salesAgent']));
		push('user.disabled', providerAdmin, { userId: 'sam' });
		push('user.enabled', providerAdmin, { userId: 'sam' });
		expect(org(providerRef, log).users.sam?.status).toBe('awaitingFirstSignIn');
		push('user.passwordChanged', SYSTEM, { userId: 'sam' });
		push('user.disabled', providerAdmin, { userId: 'sam' });
		push('user.enabled', providerAdmin, { userId: 'sam' });
		expect(org(providerRef, log).users.sam?.status).toBe('active');
	});
});

describe('invitation links', () => {
	it('lets a provider invite resellers but not customers', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.created', providerAdmin, invitationPayload('inv-2', 'customer'));
		const state = org(providerRef, log);
		expect(state.invitations['inv-1']?.status).toBe('pending');
		expect(state.invitations['inv-2']).toBeUndefined();
		expect(codes(state)).toEqual(['error_wrong_org_kind']);
	});

	it('lets whichever of revocation and redemption comes first in the log win', () => {
		const revokedFirst = orgLog(PROVIDER, 'indirectProvider', 'pat');
		revokedFirst.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		revokedFirst.push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		revokedFirst.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		const a = org(providerRef, revokedFirst.log);
		expect(a.invitations['inv-1']?.status).toBe('revoked');
		expect(codes(a)).toEqual(['error_invitation_revoked']);

		const redeemedFirst = orgLog(PROVIDER, 'indirectProvider', 'pat');
		redeemedFirst.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		redeemedFirst.push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: RESELLER });
		redeemedFirst.push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' });
		const b = org(providerRef, redeemedFirst.log);
		expect(b.invitations['inv-1']).toMatchObject({ status: 'redeemed', redeemedBy: RESELLER });
		expect(codes(b)).toEqual(['error_invitation_redeemed']);
	});

	it('marks a redemption after the expiry superseded and the invitation expired', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('invitation.created', providerAdmin, {
			...invitationPayload('inv-1'),
			expiresAt: T0 + DAY
		});
		push(
			'invitation.redeemed',
			SYSTEM,
			{ invitationId: 'inv-1', orgId: RESELLER },
			{ at: T0 + 2 * DAY }
		);
		const state = org(providerRef, log);
		expect(state.invitations['inv-1']?.status).toBe('expired');
		expect(codes(state)).toEqual(['error_invitation_expired']);
	});

	it('refuses a redemption written by anyone but the server', () => {
		const { log, push } = orgLog(PROVIDER, 'indirectProvider', 'pat');
		push('invitation.created', providerAdmin, invitationPayload('inv-1'));
		push('invitation.redeemed', providerAdmin, { invitationId: 'inv-1', orgId: RESELLER });
		expect(codes(org(providerRef, log))).toEqual(['error_system_only']);
	});
});

describe('enrollment as an indirect reseller', () => {
	const submitted = SAMPLE_PAYLOADS['enrollment.submitted'];
	if (submitted.track !== 'new') throw new Error('sample is the new track');
	const profiles = [
		{ mpnId: '1234567', legalName: 'Contoso KK', country: 'JP' },
		{ mpnId: '7654321', legalName: 'Contoso Inc', country: 'US' }
	];

	function applicant() {
		const builder = orgLog(RESELLER, 'indirectReseller', 'rio');
		builder.push('enrollment.mpnLinked', SYSTEM, { pmcUserName: 'rio@contoso.co.jp', profiles });
		return builder;
	}

	it('walks from Enroll now through verification and review to the admin agent check', () => {
		const { log, push } = applicant();
		push('enrollment.submitted', resellerAdmin, submitted);
		expect(org(resellerRef, log).enrollment.status).toBe('emailVerificationPending');
		push('enrollment.emailVerified', SYSTEM, {});
		expect(org(resellerRef, log).enrollment.status).toBe('underReview');
		push('enrollment.approved', reviewer, {});
		let state = org(resellerRef, log);
		expect(state.enrollment.status).toBe('adminAgentCheck');
		expect(state.org).toMatchObject({
			legalName: 'Contoso KK',
			mpnId: '1234567',
			alreadyEnrolledInCsp: true
		});
		push('enrollment.adminAgentConfirmed', resellerAdmin, {});
		state = org(resellerRef, log);
		expect(codes(state)).toEqual(['error_admin_agent_missing']);
		push('user.rolesChanged', resellerAdmin, {
			userId: 'rio',
			roles: ['globalAdmin', 'adminAgent']
		});
		push('enrollment.adminAgentConfirmed', resellerAdmin, {});
		expect(org(resellerRef, log).enrollment.status).toBe('ready');
	});

	it('refuses a profile whose MPN ID is in another country/region than the tenant, and Cancel lets another PMC account try', () => {
		const { log, push } = applicant();
		push('enrollment.submitted', resellerAdmin, { ...submitted, mpnId: '7654321' });
		expect(codes(org(resellerRef, log))).toEqual(['error_mpn_country_mismatch']);
		push('enrollment.mpnLinked', SYSTEM, {
			pmcUserName: 'other@contoso.co.jp',
			profiles: [{ mpnId: '2222222', legalName: 'Contoso Japan', country: 'JP' }]
		});
		push('enrollment.submitted', resellerAdmin, { ...submitted, mpnId: '2222222' });
		expect(org(resellerRef, log).enrollment).toMatchObject({
			status: 'emailVerificationPending',
			mpnId: '2222222'
		});
	});

	it('refuses an MPN ID the Partner Membership Center sign-in did not offer, and Enroll now before linking', () => {
		const early = orgLog(RESELLER, 'indirectReseller', 'rio');
		early.push('enrollment.submitted', resellerAdmin, submitted);
		expect(codes(org(resellerRef, early.log))).toEqual(['error_mpn_not_linked']);
		const { log, push } = applicant();
		push('enrollment.submitted', resellerAdmin, { ...submitted, mpnId: '9999999' });
		expect(codes(org(resellerRef, log))).toEqual(['error_mpn_not_linked']);
	});

	it('refuses a primary contact at a web-based email service before it reaches the log', () => {
		const { event } = applicant();
		const webmail = event('enrollment.submitted', resellerAdmin, {
			...submitted,
			primaryContact: { name: 'Rio', email: 'rio@outlook.jp' }
		});
		expect(parseEvent(webmail)).toMatchObject({
			ok: false,
			error: { code: 'error_primary_contact_webmail', path: 'payload.primaryContact.email' }
		});
	});

	it('takes the shortcut with support information only for a reseller already enrolled in CSP', () => {
		const shortcut = { track: 'alreadyEnrolled', support: submitted.support } as const;
		const enrolled = orgLog(RESELLER, 'indirectReseller', 'rio', {
			alreadyEnrolledInCsp: true,
			mpnId: '1234567'
		});
		enrolled.push('enrollment.submitted', resellerAdmin, shortcut);
		expect(org(resellerRef, enrolled.log).enrollment).toMatchObject({
			status: 'underReview',
			track: 'alreadyEnrolled'
		});
		const fresh = orgLog(RESELLER, 'indirectReseller', 'rio');
		fresh.push('enrollment.submitted', resellerAdmin, shortcut);
		expect(codes(org(resellerRef, fresh.log))).toEqual(['error_not_already_enrolled']);
	});

	it('keeps a rejection’s reason, and answers a request for more information by submitting again', () => {
		const rejected = applicant();
		rejected.push('enrollment.submitted', resellerAdmin, submitted);
		rejected.push('enrollment.emailVerified', SYSTEM, {});
		rejected.push('enrollment.rejected', reviewer, { reason: 'Address does not match.' });
		rejected.push('enrollment.approved', reviewer, {});
		const r = org(resellerRef, rejected.log);
		expect(r.enrollment).toMatchObject({
			status: 'rejected',
			rejectionReason: 'Address does not match.'
		});
		expect(codes(r)).toEqual(['error_enrollment_closed']);

		const more = applicant();
		more.push('enrollment.submitted', resellerAdmin, submitted);
		more.push('enrollment.emailVerified', SYSTEM, {});
		more.push('enrollment.infoRequested', reviewer, { message: 'Add a support URL.' });
		expect(org(resellerRef, more.log).enrollment).toMatchObject({
			status: 'infoRequested',
			infoRequest: 'Add a support URL.'
		});
		more.push('enrollment.submitted', resellerAdmin, submitted);
		expect(org(resellerRef, more.log).enrollment).toMatchObject({
			status: 'underReview',
			infoRequest: null
		});
		more.push('enrollment.infoRequested', reviewer, { message: 'Use another contact.' });
		more.push('enrollment.submitted', resellerAdmin, {
			...submitted,
			primaryContact: { name: 'Ken', email: 'ken@contoso.co.jp' }
		});
		expect(org(resellerRef, more.log).enrollment.status).toBe('emailVerificationPending');
	});

	it('lets only the program operator review, and only indirect resellers enroll', () => {
		const { log, push } = applicant();
		push('enrollment.submitted', resellerAdmin, submitted);
		push('enrollment.emailVerified', SYSTEM, {});
		push('enrollment.approved', resellerAdmin, {});
		expect(codes(org(resellerRef, log))).toEqual(['error_not_a_party']);
		const provider = orgLog(PROVIDER, 'indirectProvider', 'pat');
		provider.push('enrollment.mpnLinked', SYSTEM, {
			pmcUserName: 'pat@fabrikam.example',
			profiles
		});
		expect(codes(org(providerRef, provider.log))).toEqual(['error_wrong_org_kind']);
	});
});
