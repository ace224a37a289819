// Validates the wizard's legal profile, primary contact and support details with the same schemas
// the `enrollment.submitted` event uses, field by field, so each error shows next to its field
// (with the answer to the program's request for more information, when resubmitting).
import { PAYLOADS } from '$lib/domain/event-payloads';
import { valueAt, type PayloadOf } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { isErrorCode } from '$lib/domain/errors';
import type { LegalProfile, PrimaryContact, SupportContact } from '$lib/domain/model';

/** Field path (e.g. `primaryContact.email`) to its error. */
export type DetailsErrors = Record<string, ErrorCode>;

export interface DetailsDraft {
	readonly chosenMpnId: string | null;
	readonly legalProfile: Partial<LegalProfile> | null;
	readonly primaryContact: Partial<PrimaryContact> | null;
	readonly support: Partial<SupportContact> | null;
	/** the answer to a request for more information: required when given (a string), else none */
	readonly answer?: string | null;
}

export function checkEnrollmentDetails(
	track: 'new' | 'alreadyEnrolled',
	draft: DetailsDraft
): { submission: PayloadOf<'enrollment.submitted'> | null; errors: DetailsErrors } {
	const candidate =
		track === 'new'
			? {
					track,
					mpnId: draft.chosenMpnId ?? '',
					legalProfile: {
						legalName: '',
						...draft.legalProfile,
						address: { ...draft.legalProfile?.address }
					},
					primaryContact: { name: '', email: '', ...draft.primaryContact },
					support: { email: '', ...draft.support }
				}
			: { track, support: { email: '', ...draft.support } };
	// Trimmed here, as the event stores it; an answer left blank is missing, never dropped.
	const answered =
		typeof draft.answer === 'string' ? { ...candidate, answer: draft.answer.trim() } : candidate;
	const result = PAYLOADS['enrollment.submitted'].safeParse(stripEmpty(answered));
	if (result.success) return { submission: result.data, errors: {} };
	const errors: DetailsErrors = {};
	for (const issue of result.error.issues) {
		const path = issue.path.join('.');
		if (errors[path]) continue;
		// A field left blank is missing, whatever its format rule says about an empty string.
		const value = valueAt(answered, issue.path);
		if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
			errors[path] = 'error_field_required';
			continue;
		}
		errors[path] = isErrorCode(issue.message)
			? issue.message
			: issue.code === 'invalid_type'
				? 'error_field_required'
				: 'error_field_invalid';
	}
	return { submission: null, errors };
}

/** Optional fields left blank in a form are absent, not empty strings. */
function stripEmpty(value: unknown): unknown {
	if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const [key, field] of Object.entries(value)) {
		if (field === undefined) continue;
		if (field === '' && OPTIONAL.has(key)) continue;
		out[key] = stripEmpty(field);
	}
	return out;
}

const OPTIONAL = new Set(['line2', 'region', 'phone', 'url']);
