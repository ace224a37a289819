// The enrollment HTTP endpoints (`/api/enrollment/*`, and the program's `/api/mailbox`,
// `/api/pmc/profiles`, `/api/program/providers`), one contract each: the request and the answer as
// zod schemas both sides use. The server reads the forms with them (their refusals become field
// codes) and types its answers with them; the app parses what comes back with them. Refusals are
// the API's usual `{ error: { code, message, fields?, retryAfterSeconds? } }` (api-refusal).
import { z } from 'zod';
import * as f from '$lib/domain/event-fields';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '$lib/domain/password-policy';
import { isDeviceHash } from '$lib/domain/temporary-password';
// The wizard's machine says what it needs of a work account and a PMC sign-in; the schemas give
// exactly that (each satisfies its type), so the two cannot drift apart.
import type {
	NewWorkAccount,
	PmcCredentials,
	WorkAccount
} from '$lib/flows/enrollment/enrollment-wizard.machine';
import { sessionAnswer } from './auth-api';

export const ENROLLMENT_PATHS = {
	/** POST: Create one; GET: the signed-in work account */
	workAccount: '/api/enrollment/work-account',
	pmcSignIn: '/api/enrollment/pmc/sign-in',
	pmcProfile: '/api/enrollment/pmc/profile',
	verifyEmail: '/api/enrollment/verify-email',
	mailbox: '/api/mailbox',
	pmcProfiles: '/api/pmc/profiles',
	providers: '/api/program/providers'
} as const;

/**
 * POST work-account, no sign-in ("Create one"): a work account with a new indirect reseller org and
 * its tenant, and its global admin, who is signed in by the answer.
 */
export const newWorkAccountRequest = z.strictObject({
	legalName: f.name,
	domain: f.workAccountTenant.shape.domain,
	country: f.country,
	fullName: f.name,
	email: f.email,
	password: z
		.string('error_field_required')
		.min(PASSWORD_MIN_LENGTH, 'auth_password_too_short')
		.max(PASSWORD_MAX_LENGTH, 'auth_password_too_long')
}) satisfies z.ZodType<NewWorkAccount>;
export type NewWorkAccountRequest = z.infer<typeof newWorkAccountRequest>;

/** The work account as the wizard needs it: its org, and its tenant's domain and country/region. */
export const workAccountInfo = z.object({
	orgId: z.string(),
	domain: z.string(),
	tenantCountry: z.string(),
	alreadyEnrolledInCsp: z.boolean()
}) satisfies z.ZodType<WorkAccount>;
export type WorkAccountInfo = z.infer<typeof workAccountInfo>;

/**
 * Its answer (201, with the new admin's session cookies): the session, and the work account (null
 * should the new org not read as one).
 */
export const newWorkAccountAnswer = sessionAnswer.extend({
	workAccount: workAccountInfo.nullable()
});
export type NewWorkAccountAnswer = z.infer<typeof newWorkAccountAnswer>;

/** GET work-account (an indirect reseller's global admin, signed in): their work account. */
export const workAccountAnswer = z.object({ workAccount: workAccountInfo });
export type WorkAccountAnswer = z.infer<typeof workAccountAnswer>;

/** POST pmc/sign-in (the work account signed in): the Partner Membership Center account. */
export const pmcSignInRequest = z.strictObject({
	userName: z.string().max(320),
	password: z.string().max(PASSWORD_MAX_LENGTH)
}) satisfies z.ZodType<PmcCredentials>;
export type PmcSignInRequest = z.infer<typeof pmcSignInRequest>;

/** A partner network organization profile: its MPN ID, legal name and country/region. */
export const partnerNetworkProfile = z.object({
	mpnId: z.string(),
	legalName: z.string(),
	country: z.string()
});

/** Its answer: the organization profiles it linked to the work account's org. */
export const pmcSignInAnswer = z.object({ profiles: z.array(partnerNetworkProfile) });
export type PmcSignInAnswer = z.infer<typeof pmcSignInAnswer>;

/**
 * POST pmc/profile (the work account signed in): the profile chosen, checked against the tenant's
 * country/region. 204, or a refusal with the rule's code.
 */
export const pmcProfileRequest = z.object({ mpnId: z.string().max(10) });
export type PmcProfileRequest = z.infer<typeof pmcProfileRequest>;

/**
 * POST verify-email, no sign-in (the token is the capability): the token of the primary contact's
 * link. A token that is not one (43 base64url characters) is refused as an unknown link.
 */
export const verifyEmailRequest = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
export type VerifyEmailRequest = z.infer<typeof verifyEmailRequest>;

/** Its answer: the address is verified (the application moves on). */
export const verifyEmailAnswer = z.object({ verified: z.literal(true) });
export type VerifyEmailAnswer = z.infer<typeof verifyEmailAnswer>;

/** An email as the local outbox keeps it. */
export const mailboxMessage = z.object({
	id: z.string(),
	from: z.string(),
	to: z.string(),
	subject: z.string(),
	text: z.string(),
	/** ISO 8601 */
	sentAt: z.string()
});
export type MailboxMessage = z.infer<typeof mailboxMessage>;

/**
 * GET mailbox (program operators who review enrollment): how the server sends email, and the
 * messages its local outbox kept (no SMTP server configured), newest first.
 */
export const mailboxAnswer = z.object({
	transport: z.enum(['smtp', 'outbox']),
	messages: z.array(mailboxMessage)
});
export type MailboxAnswer = z.infer<typeof mailboxAnswer>;

/**
 * GET pmc/profiles (the same reviewers): the Partner Membership Center registry, each profile with
 * the PMC user names allowed to link it.
 */
export const pmcProfilesAnswer = z.object({
	profiles: z.array(partnerNetworkProfile.extend({ accounts: z.array(z.string()) }))
});
export type PmcProfilesAnswer = z.infer<typeof pmcProfilesAnswer>;

/**
 * POST providers (program operators who manage the directory): a new indirect provider, its org,
 * its directory entry and its first admin.
 */
export const newProviderRequest = z.strictObject({
	legalName: f.name,
	country: f.country,
	regionsServed: f.list(f.country, f.LIMITS.regions),
	offers: f.providerOffers,
	contact: f.supportContact,
	description: f.longText.optional(),
	admin: z.strictObject({
		fullName: f.name,
		email: f.email,
		// made on the operator's device (DESIGN.md): the password itself never reaches the server
		temporaryPasswordHash: z.string().refine(isDeviceHash, 'error_password_hash_invalid')
	})
});
export type NewProviderRequest = z.infer<typeof newProviderRequest>;

/** Its answer (201): the new org, and its admin's email as stored (normalized). */
export const newProviderAnswer = z.object({ orgId: z.string(), adminEmail: z.string() });
export type NewProviderAnswer = z.infer<typeof newProviderAnswer>;
