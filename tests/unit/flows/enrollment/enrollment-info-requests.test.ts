// Request more information and the applicant's answer (issue 21), as the org document's projection
// and the enrollment read model tell them: every round kept in order, answers carried by the
// resubmission, logs written before answers existed still valid, an answer only where one was asked.
import { describe, expect, it } from 'vitest';
import { enrollmentRows } from '$lib/db/read-models/enrollment';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { SYSTEM } from '../../factories';
import { SAMPLE_PAYLOADS } from '../samples';
import { orgLog, project, RESELLER, resellerAdmin, reviewer } from '../scenarios';

const ref = { kind: 'org', orgId: RESELLER } as const;
const submitted = SAMPLE_PAYLOADS['enrollment.submitted'];
if (submitted.track !== 'new') throw new Error('sample is the new track');
const profiles = [{ mpnId: '1234567', legalName: 'Contoso KK', country: 'JP' }];

function org(log: readonly unknown[]): OrgDocumentState {
	const state = project(ref, log);
	if (state.kind !== 'org') throw new Error('expected an org projection');
	return state;
}

const codes = (state: OrgDocumentState) => state.superseded.map((s) => s.code);

/** An application under review: linked, submitted, verified. */
function underReview() {
	const builder = orgLog(RESELLER, 'indirectReseller', 'rio');
	builder.push('enrollment.mpnLinked', SYSTEM, { pmcUserName: 'rio@contoso.co.jp', profiles });
	builder.push('enrollment.submitted', resellerAdmin, submitted);
	builder.push('enrollment.emailVerified', SYSTEM, {});
	return builder;
}

describe('requests for more information and their answers', () => {
	it('keeps every request and the answer each resubmission gave, oldest first', () => {
		const { log, push } = underReview();
		const first = push('enrollment.infoRequested', reviewer, {
			message: 'Add a support phone number.'
		});
		let state = org(log);
		expect(state.enrollment).toMatchObject({
			status: 'infoRequested',
			infoRequest: 'Add a support phone number.',
			infoRequests: [
				{
					message: 'Add a support phone number.',
					requested: { eventId: first.id, by: reviewer },
					answer: null,
					answered: null
				}
			]
		});

		const answer = push('enrollment.submitted', resellerAdmin, {
			...submitted,
			support: { ...submitted.support, phone: '+81 3 1234 5678' },
			answer: 'Added +81 3 1234 5678.'
		});
		push('enrollment.infoRequested', reviewer, { message: 'Which city is the office in?' });
		push('enrollment.submitted', resellerAdmin, { ...submitted, answer: 'Chiyoda-ku, Tokyo.' });
		state = org(log);
		expect(codes(state)).toEqual([]);
		expect(state.enrollment.status).toBe('underReview');
		expect(state.enrollment.infoRequest).toBeNull();
		expect(state.enrollment.infoRequests.map((round) => [round.message, round.answer])).toEqual([
			['Add a support phone number.', 'Added +81 3 1234 5678.'],
			['Which city is the office in?', 'Chiyoda-ku, Tokyo.']
		]);
		expect(state.enrollment.infoRequests[0]?.answered).toMatchObject({
			eventId: answer.id,
			by: resellerAdmin
		});
	});

	it('gives the program operator the history on the application’s read-model row', () => {
		const { log, push } = underReview();
		push('enrollment.infoRequested', reviewer, { message: 'Add a support phone number.' });
		push('enrollment.submitted', resellerAdmin, { ...submitted, answer: 'Added it.' });
		const [row] = enrollmentRows(org(log), `org/${RESELLER}`);
		expect(row?.infoRequests).toMatchObject([
			{ message: 'Add a support phone number.', answer: 'Added it.' }
		]);
	});

	it('never edits a round a read-model row already holds (rows are compared to notice changes)', () => {
		const { log, push, event } = underReview();
		push('enrollment.infoRequested', reviewer, { message: 'Add a support phone number.' });
		const state = org(log);
		const [before] = enrollmentRows(state, `org/${RESELLER}`);
		const snapshot = structuredClone(before);
		const answer = event('enrollment.submitted', resellerAdmin, { ...submitted, answer: 'Done.' });
		const projected = org([...log, answer]);
		expect(projected.enrollment.infoRequests[0]?.answer).toBe('Done.');
		expect(before).toEqual(snapshot);
	});

	it('keeps a log from before answers existed valid: its resubmission answered without words', () => {
		const { log, push } = underReview();
		push('enrollment.infoRequested', reviewer, { message: 'Add a support URL.' });
		push('enrollment.submitted', resellerAdmin, submitted);
		const state = org(log);
		expect(codes(state)).toEqual([]);
		expect(state.enrollment.status).toBe('underReview');
		expect(state.enrollment.infoRequests).toMatchObject([
			{ message: 'Add a support URL.', answer: null, answered: { by: resellerAdmin } }
		]);
	});

	it('records the answer when a changed primary contact must verify again', () => {
		const { log, push } = underReview();
		push('enrollment.infoRequested', reviewer, { message: 'Use another contact.' });
		push('enrollment.submitted', resellerAdmin, {
			...submitted,
			primaryContact: { name: 'Ken', email: 'ken@contoso.co.jp' },
			answer: 'Ken is our contact now.'
		});
		const state = org(log);
		expect(state.enrollment.status).toBe('emailVerificationPending');
		expect(state.enrollment.infoRequests[0]?.answer).toBe('Ken is our contact now.');
	});

	it('answers on the shortcut for resellers already enrolled in CSP too', () => {
		const builder = orgLog(RESELLER, 'indirectReseller', 'rio', {
			alreadyEnrolledInCsp: true,
			mpnId: '1234567'
		});
		builder.push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: submitted.support
		});
		builder.push('enrollment.infoRequested', reviewer, { message: 'Add a support URL.' });
		builder.push('enrollment.submitted', resellerAdmin, {
			track: 'alreadyEnrolled',
			support: { ...submitted.support, url: 'https://contoso.co.jp/help' },
			answer: 'Added our help site.'
		});
		const state = org(builder.log);
		expect(state.enrollment.status).toBe('underReview');
		expect(state.enrollment.infoRequests[0]?.answer).toBe('Added our help site.');
	});

	it('refuses an answer on a first application, where nothing was asked', () => {
		const builder = orgLog(RESELLER, 'indirectReseller', 'rio');
		builder.push('enrollment.mpnLinked', SYSTEM, { pmcUserName: 'rio@contoso.co.jp', profiles });
		builder.push('enrollment.submitted', resellerAdmin, { ...submitted, answer: 'Hello.' });
		const state = org(builder.log);
		expect(state.enrollment.status).toBe('mpnLinked');
		expect(codes(state)).toEqual(['error_not_allowed_now']);
		expect(state.enrollment.infoRequests).toEqual([]);
	});

	it('lets only the program operator ask and only the applicant answer', () => {
		const { log, push } = underReview();
		push('enrollment.infoRequested', resellerAdmin, { message: 'Self-service?' });
		expect(codes(org(log))).toEqual(['error_not_a_party']);
		push('enrollment.infoRequested', reviewer, { message: 'Add a support URL.' });
		push('enrollment.submitted', reviewer, { ...submitted, answer: 'Answered for them.' });
		const state = org(log);
		expect(codes(state)).toEqual(['error_not_a_party', 'error_not_a_party']);
		expect(state.enrollment.infoRequests).toMatchObject([{ answer: null, answered: null }]);
	});
});
