// The applicant's answer to Request more information (issue 21) as the event schema validates it
// (optional, trimmed, non-empty when given, bounded like every long text) on both tracks, the
// wizard's field-by-field check that requires it when resubmitting, and the profile preselection.
import { describe, expect, it } from 'vitest';
import { formatHlc } from '$lib/domain/clock';
import { buildEvent, parseEvent, type PayloadOf } from '$lib/domain/events';
import { LIMITS } from '$lib/domain/event-fields';
import { preselectedProfile } from '$lib/domain/rules';
import { checkEnrollmentDetails } from '$lib/flows/enrollment/enrollment-details';
import { T0 } from '../factories';
import { SAMPLE_PAYLOADS } from '../flows/samples';

const submitted = SAMPLE_PAYLOADS['enrollment.submitted'];
if (submitted.track !== 'new') throw new Error('sample is the new track');
const shortcut = { track: 'alreadyEnrolled', support: submitted.support } as const;
const meta = {
	id: 'e-1',
	at: formatHlc({ wall: T0, counter: 0, node: 'dev' }),
	by: { userId: 'rio', orgId: 'contoso' }
};

function codeOf(payload: unknown): string {
	const event = buildEvent(
		'enrollment.submitted',
		payload as PayloadOf<'enrollment.submitted'>,
		meta
	);
	const result = parseEvent(JSON.parse(JSON.stringify(event)));
	return result.ok ? 'ok' : `${result.error.code} at ${result.error.path}`;
}

describe('the answer to a request for more information', () => {
	it.each([
		['new', submitted],
		['alreadyEnrolled', shortcut]
	] as const)('is optional on the %s track: applications without one stay valid', (_, payload) => {
		expect(codeOf(payload)).toBe('ok');
		expect(codeOf({ ...payload, answer: 'Added the support phone number.' })).toBe('ok');
	});

	it('keeps line breaks inside an answer', () => {
		expect(codeOf({ ...submitted, answer: 'Line one.\nLine two.' })).toBe('ok');
	});

	it.each([
		['empty', '', 'error_field_required'],
		['only whitespace', ' \n\t ', 'error_field_required'],
		['untrimmed', '  Added it. ', 'error_field_invalid'],
		['too long', 'x'.repeat(LIMITS.text + 1), 'error_field_too_long'],
		['not text', 42, 'error_field_invalid']
	])('refuses an answer that is %s', (_, answer, code) => {
		expect(codeOf({ ...submitted, answer })).toBe(`${code} at payload.answer`);
		expect(codeOf({ ...shortcut, answer })).toBe(`${code} at payload.answer`);
	});

	it('accepts an answer at the long-text limit', () => {
		expect(codeOf({ ...submitted, answer: 'x'.repeat(LIMITS.text) })).toBe('ok');
	});
});

describe('the wizard’s check of an answer', () => {
	const draft = {
		chosenMpnId: submitted.mpnId,
		legalProfile: submitted.legalProfile,
		primaryContact: submitted.primaryContact,
		support: submitted.support
	};

	it('requires an answer when resubmitting, and names the field', () => {
		for (const answer of ['', '   ']) {
			expect(checkEnrollmentDetails('new', { ...draft, answer })).toEqual({
				submission: null,
				errors: { answer: 'error_field_required' }
			});
		}
		expect(checkEnrollmentDetails('alreadyEnrolled', { ...draft, answer: '' }).errors).toEqual({
			answer: 'error_field_required'
		});
	});

	it('submits the answer trimmed, as the event stores it', () => {
		expect(
			checkEnrollmentDetails('new', { ...draft, answer: '  Added the phone number.\n' }).submission
		).toEqual({ ...submitted, answer: 'Added the phone number.' });
	});

	it('bounds the answer like the event does', () => {
		expect(
			checkEnrollmentDetails('new', { ...draft, answer: 'x'.repeat(LIMITS.text + 1) }).errors
		).toEqual({ answer: 'error_field_too_long' });
	});

	it('sends no answer on a first application', () => {
		const { submission } = checkEnrollmentDetails('new', { ...draft, answer: null });
		expect(submission).toEqual(submitted);
		expect(submission && 'answer' in submission).toBe(false);
	});
});

describe('organization profile preselection', () => {
	const us = { mpnId: '7000301', legalName: 'Tailwind Traders', country: 'US' };
	const jp = { mpnId: '7000102', legalName: 'Fine Art School KK', country: 'JP' };

	it('preselects the only profile there is to link', () => {
		expect(preselectedProfile([us])).toBe('7000301');
	});

	it('leaves the choice to the reseller when there are several profiles, or none', () => {
		expect(preselectedProfile([us, jp])).toBeNull();
		expect(preselectedProfile([])).toBeNull();
	});
});
