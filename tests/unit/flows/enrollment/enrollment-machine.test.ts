// The enrollment machine: every state and refusal reached from the org log's events.
import { enrollmentMachine, enrollmentRefusals } from '$lib/flows/enrollment/enrollment.machine';
import { describe, it } from 'vitest';
import { expectFullCoverage, exploreLogMachine } from '../machine-paths';
import { SAMPLE_PAYLOADS } from '../samples';
import { fact, orgWorld, user } from '../worlds';

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
