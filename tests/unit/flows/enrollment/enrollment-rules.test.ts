// The documentation's rules for enrolling as an indirect reseller, as projections of the org
// document's log: each case would fail if its rule were dropped.
import { parseEvent } from '$lib/domain/events';
import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../../factories';
import { SAMPLE_PAYLOADS } from '../samples';
import { orgLog, PROVIDER, RESELLER, resellerAdmin, reviewer } from '../scenarios';
import { codes, org, providerRef, resellerRef } from '../states';

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
