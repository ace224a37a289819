// The enrollment wizard's pages, as the documentation numbers them: Welcome > Next; sign in with the
// work account or Create one; how the MPN ID is linked > Sign in; Partner Membership Center user name
// > Next; password > Sign in; choose the organization profile > Continue (or Cancel); legal profile,
// primary contact and support details > Enroll now. Resellers already enrolled in CSP only give
// customer support contact information. Server calls are actors the app provides. After the
// program's Request more information, the same details page carries the request and its answer.
import { assign, fromPromise, setup } from 'xstate';
import type { PayloadOf } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { LegalProfile, PrimaryContact, SupportContact } from '$lib/domain/model';
import {
	checkProfileChoice,
	preselectedProfile,
	type PartnerNetworkProfile
} from '$lib/domain/rules';
import { checkEnrollmentDetails, type DetailsErrors } from './enrollment-details';

export interface WorkAccount {
	readonly orgId: string;
	readonly domain: string;
	readonly tenantCountry: string;
	readonly alreadyEnrolledInCsp: boolean;
}

export interface WorkAccountCredentials {
	readonly email: string;
	readonly password: string;
}

/** "Create one": the work account, its tenant (with its country/region) and its global admin. */
export interface NewWorkAccount {
	readonly legalName: string;
	readonly domain: string;
	readonly country: string;
	readonly fullName: string;
	readonly email: string;
	readonly password: string;
}

export interface PmcCredentials {
	readonly userName: string;
	readonly password: string;
}

export type EnrollmentSubmission = PayloadOf<'enrollment.submitted'>;

/** Resubmitting after Request more information: the program's request and the answer typed. */
export interface Resubmission {
	readonly request: string;
	readonly answer: string;
}

/** What the wizard remembers between pages. Never a password. */
export interface EnrollmentWizardContext {
	workAccount: WorkAccount | null;
	pmcUserName: string;
	profiles: PartnerNetworkProfile[];
	chosenMpnId: string | null;
	legalProfile: Partial<LegalProfile> | null;
	primaryContact: Partial<PrimaryContact> | null;
	support: Partial<SupportContact> | null;
	/** page-level problem: an i18n key (a domain ErrorCode or the app's own, e.g. auth_offline) */
	error: string | null;
	fieldErrors: DetailsErrors;
	/** absent in drafts saved before answers existed, and on a first application */
	resubmission?: Resubmission | null;
}

export type EnrollmentWizardEvent =
	| { type: 'wizard.next' }
	| { type: 'wizard.back' }
	| { type: 'workAccount.signIn'; credentials: WorkAccountCredentials }
	| { type: 'workAccount.createOne'; account: NewWorkAccount }
	| { type: 'pmc.signIn' }
	| { type: 'pmc.userName'; userName: string }
	| { type: 'pmc.password'; password: string }
	| { type: 'profile.choose'; mpnId: string }
	| { type: 'wizard.continue' }
	| { type: 'wizard.cancel' }
	| {
			type: 'details.change';
			legalProfile?: Partial<LegalProfile>;
			primaryContact?: Partial<PrimaryContact>;
			support?: Partial<SupportContact>;
			answer?: string;
	  }
	| { type: 'wizard.enrollNow' };

function errorKey(error: unknown): string {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : 'error_unexpected';
}

function checkContext(context: EnrollmentWizardContext) {
	const track = context.workAccount?.alreadyEnrolledInCsp ? 'alreadyEnrolled' : 'new';
	return checkEnrollmentDetails(track, { ...context, answer: context.resubmission?.answer });
}

/** The application the wizard submits (Enroll now), or null while it is incomplete. */
export function submissionOf(context: EnrollmentWizardContext): EnrollmentSubmission | null {
	return checkContext(context).submission;
}

const unprovided = (name: string) =>
	fromPromise<never, unknown>(() => Promise.reject(new Error(`${name} is provided by the app`)));

export const enrollmentWizardMachine = setup({
	types: {} as { context: EnrollmentWizardContext; events: EnrollmentWizardEvent },
	actors: {
		signInWorkAccount: unprovided('signInWorkAccount') as unknown as ReturnType<
			typeof fromPromise<WorkAccount, WorkAccountCredentials>
		>,
		createWorkAccount: unprovided('createWorkAccount') as unknown as ReturnType<
			typeof fromPromise<WorkAccount, NewWorkAccount>
		>,
		signInPartnerMembershipCenter: unprovided(
			'signInPartnerMembershipCenter'
		) as unknown as ReturnType<
			typeof fromPromise<readonly PartnerNetworkProfile[], PmcCredentials>
		>,
		/** appends `enrollment.submitted` to the org's log (works offline: it syncs later) */
		submitEnrollment: unprovided('submitEnrollment') as unknown as ReturnType<
			typeof fromPromise<void, EnrollmentSubmission>
		>
	},
	guards: {
		isAlreadyEnrolledInCsp: ({ context }) => context.workAccount?.alreadyEnrolledInCsp === true,
		hasUserName: ({ event }) => event.type === 'pmc.userName' && event.userName.trim().length > 0,
		/** The chosen profile's MPN ID must be in the work account tenant's country/region. */
		isChosenProfileInTenantCountry: ({ context }) =>
			context.chosenMpnId !== null &&
			checkProfileChoice(
				context.profiles,
				context.chosenMpnId,
				context.workAccount?.tenantCountry ?? null
			) === null,
		areDetailsComplete: ({ context }) => submissionOf(context) !== null
	},
	actions: {
		clearError: assign({ error: null }),
		rememberWorkAccount: assign({ workAccount: (_, account: WorkAccount) => account, error: null }),
		rememberUserName: assign({
			pmcUserName: ({ event }) => (event.type === 'pmc.userName' ? event.userName.trim() : '')
		}),
		rememberProfiles: assign({
			profiles: (_, profiles: readonly PartnerNetworkProfile[]) => profiles.map((p) => ({ ...p })),
			chosenMpnId: (_, profiles: readonly PartnerNetworkProfile[]) => preselectedProfile(profiles),
			error: null
		}),
		forgetProfiles: assign({ profiles: [], chosenMpnId: null, error: null }),
		chooseProfile: assign({
			chosenMpnId: ({ event }) => (event.type === 'profile.choose' ? event.mpnId : null),
			error: null
		}),
		explainProfileRefusal: assign({
			error: ({ context }) =>
				context.chosenMpnId === null
					? ('error_field_required' satisfies ErrorCode)
					: (checkProfileChoice(
							context.profiles,
							context.chosenMpnId,
							context.workAccount?.tenantCountry ?? null
						) ?? null)
		}),
		changeDetails: assign(({ context, event }) => {
			if (event.type !== 'details.change') return {};
			return {
				legalProfile: event.legalProfile
					? { ...context.legalProfile, ...event.legalProfile }
					: context.legalProfile,
				primaryContact: event.primaryContact
					? { ...context.primaryContact, ...event.primaryContact }
					: context.primaryContact,
				support: event.support ? { ...context.support, ...event.support } : context.support,
				resubmission:
					context.resubmission && event.answer !== undefined
						? { ...context.resubmission, answer: event.answer }
						: context.resubmission
			};
		}),
		explainDetailsRefusal: assign(({ context }) => ({
			fieldErrors: checkContext(context).errors,
			error: 'error_enrollment_details_missing'
		})),
		clearFieldErrors: assign({ fieldErrors: {}, error: null }),
		// Done and error events of invoked calls are not in the machine's event union.
		reportError: assign({
			error: ({ event }) => errorKey((event as unknown as { error?: unknown }).error)
		})
	}
}).createMachine({
	id: 'enrollmentWizard',
	initial: 'welcome',
	context: {
		workAccount: null,
		pmcUserName: '',
		profiles: [],
		chosenMpnId: null,
		legalProfile: null,
		primaryContact: null,
		support: null,
		error: null,
		fieldErrors: {}
	},
	states: {
		welcome: { on: { 'wizard.next': 'workAccount' } },
		workAccount: {
			on: {
				'workAccount.signIn': { target: 'signingInWorkAccount', actions: 'clearError' },
				'workAccount.createOne': { target: 'creatingWorkAccount', actions: 'clearError' },
				'wizard.back': 'welcome'
			}
		},
		signingInWorkAccount: {
			invoke: {
				id: 'signInWorkAccount',
				src: 'signInWorkAccount',
				input: ({ event }) =>
					event.type === 'workAccount.signIn' ? event.credentials : { email: '', password: '' },
				onDone: {
					target: 'signedIn',
					actions: { type: 'rememberWorkAccount', params: ({ event }) => event.output }
				},
				onError: {
					target: 'workAccount',
					actions: 'reportError'
				}
			}
		},
		creatingWorkAccount: {
			invoke: {
				id: 'createWorkAccount',
				src: 'createWorkAccount',
				input: ({ event }) =>
					event.type === 'workAccount.createOne'
						? event.account
						: { legalName: '', domain: '', country: '', fullName: '', email: '', password: '' },
				onDone: {
					target: 'signedIn',
					actions: { type: 'rememberWorkAccount', params: ({ event }) => event.output }
				},
				onError: {
					target: 'workAccount',
					actions: 'reportError'
				}
			}
		},
		/** Signed in to the work account: enrolled CSP resellers take the shortcut. */
		signedIn: {
			always: [
				{ guard: 'isAlreadyEnrolledInCsp', target: 'supportDetails' },
				{ target: 'linkExplanation' }
			]
		},
		/** How the MPN ID will be linked > Sign in */
		linkExplanation: { on: { 'pmc.signIn': 'pmcUserName' } },
		pmcUserName: {
			on: {
				'pmc.userName': {
					guard: 'hasUserName',
					target: 'pmcPassword',
					actions: 'rememberUserName'
				},
				'wizard.back': 'linkExplanation'
			}
		},
		pmcPassword: {
			on: {
				'pmc.password': { target: 'signingInPmc', actions: 'clearError' },
				'wizard.back': 'pmcUserName'
			}
		},
		signingInPmc: {
			invoke: {
				id: 'signInPartnerMembershipCenter',
				src: 'signInPartnerMembershipCenter',
				input: ({ context, event }) => ({
					userName: context.pmcUserName,
					password: event.type === 'pmc.password' ? event.password : ''
				}),
				onDone: {
					target: 'profileChoice',
					actions: { type: 'rememberProfiles', params: ({ event }) => event.output }
				},
				onError: {
					target: 'pmcPassword',
					actions: 'reportError'
				}
			}
		},
		profileChoice: {
			on: {
				'profile.choose': { actions: 'chooseProfile' },
				'wizard.continue': [
					{ guard: 'isChosenProfileInTenantCountry', target: 'details', actions: 'clearError' },
					{ actions: 'explainProfileRefusal' }
				],
				// Cancel: sign in with another Partner Membership Center account.
				'wizard.cancel': { target: 'pmcUserName', actions: 'forgetProfiles' }
			}
		},
		details: {
			on: {
				'details.change': { actions: 'changeDetails' },
				'wizard.enrollNow': [
					{ guard: 'areDetailsComplete', target: 'submitting', actions: 'clearFieldErrors' },
					{ actions: 'explainDetailsRefusal' }
				],
				'wizard.back': 'profileChoice'
			}
		},
		/** The shortcut for resellers already enrolled in CSP. */
		supportDetails: {
			on: {
				'details.change': { actions: 'changeDetails' },
				'wizard.enrollNow': [
					{ guard: 'areDetailsComplete', target: 'submitting', actions: 'clearFieldErrors' },
					{ actions: 'explainDetailsRefusal' }
				]
			}
		},
		submitting: {
			invoke: {
				id: 'submitEnrollment',
				src: 'submitEnrollment',
				input: ({ context }) => submissionOf(context) as EnrollmentSubmission,
				onDone: 'submitted',
				onError: [
					{
						guard: 'isAlreadyEnrolledInCsp',
						target: 'supportDetails',
						actions: 'reportError'
					},
					{
						target: 'details',
						actions: 'reportError'
					}
				]
			}
		},
		/** The application is in the log; its status comes from the org document's projection. */
		submitted: { type: 'final' }
	}
});

/** The pages the step counter numbers, as the documentation does, for each track. */
const PAGES = [
	'welcome',
	'workAccount',
	'linkExplanation',
	'pmcUserName',
	'pmcPassword',
	'profileChoice',
	'details'
] as const;
/** Resellers already enrolled in CSP sign in, then give customer support information only. */
const SHORTCUT_PAGES = ['welcome', 'workAccount', 'supportDetails'] as const;

export const WIZARD_STEP_TOTALS = { full: PAGES.length, shortcut: SHORTCUT_PAGES.length } as const;

/** The page a wizard state shows: a wait shows the page that started it. */
export function shownPage(state: string, context: EnrollmentWizardContext | null): string {
	if (state === 'submitting' && context?.workAccount?.alreadyEnrolledInCsp) return 'supportDetails';
	return RESUME_AT[state] ?? state;
}

export interface WizardProgress {
	readonly step: number;
	readonly total: number;
	/** the shortcut's total, while the work account (and so the track) is not known yet */
	readonly shortcutTotal: number | null;
}

/**
 * "Step N of M" for the page a state shows, or null where no page is numbered. Until the work
 * account says whether the org is already enrolled in CSP both totals are true, so both are given.
 */
export function wizardProgress(
	state: string,
	context: EnrollmentWizardContext | null
): WizardProgress | null {
	const page = shownPage(state, context);
	const workAccount = context?.workAccount ?? null;
	const pages: readonly string[] = workAccount?.alreadyEnrolledInCsp ? SHORTCUT_PAGES : PAGES;
	const index = pages.indexOf(page);
	if (index < 0) return null;
	return {
		step: index + 1,
		total: pages.length,
		shortcutTotal: workAccount ? null : SHORTCUT_PAGES.length
	};
}

/** Pages that wait on the server, and the page to show again if the app restarts during the wait. */
const RESUME_AT: Readonly<Record<string, string>> = {
	signingInWorkAccount: 'workAccount',
	creatingWorkAccount: 'workAccount',
	signingInPmc: 'pmcPassword',
	submitting: 'details'
};

/**
 * What to keep in Dexie from `actor.getPersistedSnapshot()`: no invoked call (its input may hold a
 * password), and a page that can be shown again instead of a wait that can no longer finish.
 */
export function persistableWizardSnapshot<
	T extends { value: unknown; children?: unknown; context: EnrollmentWizardContext }
>(persisted: T): T {
	const value = typeof persisted.value === 'string' ? persisted.value : '';
	return {
		...persisted,
		value: shownPage(value, persisted.context),
		children: {},
		context: { ...persisted.context, error: null }
	};
}
