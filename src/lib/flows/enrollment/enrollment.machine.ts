// An indirect reseller's enrollment application, as its org document's log tells it: MPN ID linked
// through the Partner Membership Center, Enroll now, email verification, the program's review, and
// the admin agent check once the account is ready. The wizard's pages are enrollment-wizard.machine.
import { and, setup } from 'xstate';
import { EVENT_RULES } from '$lib/domain/events';
import type { EnrollmentStatus, Organization } from '$lib/domain/model';
import { checkProfileChoice } from '$lib/domain/rules';
import type { FactOf, OrgDocumentState } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import type { DoorRule } from '$lib/flows/documents/door-rules';
import type { OrgWorld } from '$lib/flows/organization/organization.machine';
import { rolesOf } from '$lib/flows/users/org-queries';

export type EnrollmentFact = FactOf<
	| 'enrollment.mpnLinked'
	| 'enrollment.submitted'
	| 'enrollment.emailVerified'
	| 'enrollment.approved'
	| 'enrollment.rejected'
	| 'enrollment.infoRequested'
	| 'enrollment.adminAgentConfirmed',
	OrgWorld
>;

/**
 * The application statuses the program operator reviews (from email verification on): they open the
 * applicant's org document to the program's reviewers and list it on Enrollment review.
 */
export const REVIEW_STATUSES = [
	'emailVerificationPending',
	'underReview',
	'infoRequested',
	'rejected',
	'adminAgentCheck',
	'ready'
] as const satisfies readonly EnrollmentStatus[];

/** Only indirect resellers enroll (providers and customers come from the program and invitations). */
export function mayEnroll(org: Organization | null): boolean {
	return org?.kind === 'indirectReseller';
}

function profileChoiceError(fact: EnrollmentFact) {
	if (fact.type !== 'enrollment.submitted' || fact.event.payload.track !== 'new') return null;
	const { doc } = fact.world;
	return checkProfileChoice(
		doc.enrollment.linkedProfiles,
		fact.event.payload.mpnId,
		doc.org?.tenant?.country ?? null
	);
}

export const enrollmentMachine = setup({
	types: {} as { events: EnrollmentFact },
	guards: {
		isIndirectReseller: ({ event }) => mayEnroll(event.world.doc.org),
		isNewTrack: ({ event }) =>
			event.type === 'enrollment.submitted' && event.event.payload.track === 'new',
		/** The shortcut is for resellers already enrolled in CSP: support contact information only. */
		isShortcutForEnrolledReseller: ({ event }) =>
			event.type === 'enrollment.submitted' &&
			event.event.payload.track === 'alreadyEnrolled' &&
			event.world.doc.org?.alreadyEnrolledInCsp === true,
		isChosenProfileLinked: ({ event }) => profileChoiceError(event) !== 'error_mpn_not_linked',
		/** The chosen MPN ID's profile must be in the work account tenant's country/region. */
		isChosenProfileInTenantCountry: ({ event }) => profileChoiceError(event) === null,
		/** An answer only answers a request for more information; a first application has none. */
		hasNoAnswer: ({ event }) =>
			event.type === 'enrollment.submitted' && event.event.payload.answer === undefined,
		isPrimaryContactUnchanged: ({ event }) =>
			event.type === 'enrollment.submitted' &&
			event.event.payload.track === 'new' &&
			event.world.doc.enrollment.primaryContact?.email.toLowerCase() ===
				event.event.payload.primaryContact.email.toLowerCase(),
		isAuthorAdminAgent: ({ event }) =>
			rolesOf(event.world.doc, event.event.by.userId).includes('adminAgent')
	}
}).createMachine({
	id: 'enrollment',
	initial: 'notStarted',
	states: {
		notStarted: {
			on: {
				'enrollment.mpnLinked': { guard: 'isIndirectReseller', target: 'mpnLinked' },
				'enrollment.submitted': [
					{
						guard: and(['isIndirectReseller', 'hasNoAnswer', 'isShortcutForEnrolledReseller']),
						target: 'underReview'
					},
					// Never passes before a PMC sign-in linked profiles; it names what is missing.
					{
						guard: and([
							'isIndirectReseller',
							'hasNoAnswer',
							'isNewTrack',
							'isChosenProfileLinked'
						]),
						target: 'emailVerificationPending'
					}
				]
			}
		},
		mpnLinked: {
			on: {
				// Cancel on the profile choice: sign in with another Partner Membership Center account.
				'enrollment.mpnLinked': 'mpnLinked',
				'enrollment.submitted': [
					{ guard: and(['hasNoAnswer', 'isShortcutForEnrolledReseller']), target: 'underReview' },
					{
						guard: and([
							'hasNoAnswer',
							'isNewTrack',
							'isChosenProfileLinked',
							'isChosenProfileInTenantCountry'
						]),
						target: 'emailVerificationPending'
					}
				]
			}
		},
		emailVerificationPending: { on: { 'enrollment.emailVerified': 'underReview' } },
		underReview: {
			on: {
				'enrollment.approved': 'adminAgentCheck',
				'enrollment.rejected': 'rejected',
				'enrollment.infoRequested': 'infoRequested'
			}
		},
		infoRequested: {
			on: {
				'enrollment.submitted': [
					{ guard: 'isShortcutForEnrolledReseller', target: 'underReview' },
					{
						guard: and([
							'isNewTrack',
							'isChosenProfileLinked',
							'isChosenProfileInTenantCountry',
							'isPrimaryContactUnchanged'
						]),
						target: 'underReview'
					},
					{
						guard: and(['isNewTrack', 'isChosenProfileLinked', 'isChosenProfileInTenantCountry']),
						target: 'emailVerificationPending'
					}
				],
				'enrollment.approved': 'adminAgentCheck',
				'enrollment.rejected': 'rejected'
			}
		},
		rejected: {},
		/** The account is ready; its admin checks they are in the Admin agent group. */
		adminAgentCheck: {
			on: { 'enrollment.adminAgentConfirmed': { guard: 'isAuthorAdminAgent', target: 'ready' } }
		},
		ready: {}
	}
});

export const enrollmentRefusals: Refusals = {
	guards: {
		isIndirectReseller: 'error_wrong_org_kind',
		isNewTrack: 'error_not_already_enrolled',
		isShortcutForEnrolledReseller: 'error_not_already_enrolled',
		isChosenProfileLinked: 'error_mpn_not_linked',
		isChosenProfileInTenantCountry: 'error_mpn_country_mismatch',
		isPrimaryContactUnchanged: 'error_not_allowed_now',
		hasNoAnswer: 'error_not_allowed_now',
		isAuthorAdminAgent: 'error_admin_agent_missing'
	},
	states: {
		notStarted: {
			'enrollment.submitted': 'error_mpn_not_linked',
			'*': 'error_enrollment_not_started'
		},
		mpnLinked: 'error_enrollment_not_started',
		emailVerificationPending: {
			'enrollment.submitted': 'error_enrollment_submitted',
			'enrollment.mpnLinked': 'error_enrollment_submitted',
			'*': 'error_enrollment_not_under_review'
		},
		underReview: 'error_enrollment_submitted',
		infoRequested: 'error_enrollment_submitted',
		rejected: 'error_enrollment_closed',
		adminAgentCheck: 'error_enrollment_closed',
		ready: 'error_enrollment_closed'
	},
	otherwise: 'error_not_allowed_now'
};

/** A member's enrollment event in an org that does not enroll is refused at once. */
export const enrollmentDoorRule: DoorRule<OrgDocumentState> = (state, event) =>
	event.type.startsWith('enrollment.') &&
	EVENT_RULES[event.type].writer === 'member' &&
	state.org &&
	!mayEnroll(state.org)
		? { code: 'error_wrong_org_kind', message: 'only indirect resellers enroll' }
		: null;
