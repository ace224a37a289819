// The invitation links' HTTP endpoints (`/api/invitations/*`), one contract each: the request and
// the answer as zod schemas both sides use. The server reads every request with them and types its
// answers with them; the app parses what comes back with them. Refusals are the API's usual
// `{ error: { code, message, fields?, retryAfterSeconds? } }` (api-refusal).
import { z } from 'zod';
import * as f from '$lib/domain/event-fields';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '$lib/domain/password-policy';
import { INVITATION_KINDS, ORG_KINDS } from '$lib/domain/rules';
import { CUSTOMER_ANSWERS } from '$lib/flows/partnership/redemption-deciders';
import { sessionAnswer } from './auth-api';

export const INVITATION_PATHS = {
	lookup: '/api/invitations/lookup',
	redeem: '/api/invitations/redeem',
	customerAccount: '/api/invitations/customer-account'
} as const;

/**
 * A link's token: base64url of at least 128 random bits (22 characters; the app makes 32 bytes, 43
 * characters). Anything else was mangled on the way, and is refused as `invitation_token_invalid`
 * (400), what a guess costs.
 */
export const invitationToken = z
	.string('invitation_token_invalid')
	.regex(/^[A-Za-z0-9_-]{22,128}$/, 'invitation_token_invalid');

/** POST lookup, no sign-in (the token is the capability). */
export const lookupRequest = z.strictObject({ token: invitationToken });
export type LookupRequest = z.infer<typeof lookupRequest>;

/**
 * POST redeem (signed in): a reseller's user sends the token; a customer's user the token and their
 * answer (a customer link without one is refused as `invitation_answer_required`, 400).
 */
export const redeemRequest = z.strictObject({
	token: invitationToken,
	answer: z.enum(CUSTOMER_ANSWERS, 'invitation_answer_required').optional()
});
export type RedeemRequest = z.infer<typeof redeemRequest>;

/** The answer of lookup: who sent the link, until when it works. */
export const lookupAnswer = z.object({
	invitationId: z.string(),
	kind: z.enum(INVITATION_KINDS),
	from: z.object({ orgId: z.string(), name: z.string(), orgKind: z.enum(ORG_KINDS) }),
	/** a customer link for the reseller and its provider at once: the provider of record */
	provider: z.object({ orgId: z.string(), name: z.string() }).nullable(),
	/** epoch ms, as in the invitation's event */
	expiresAt: z.number(),
	status: z.literal('pending')
});
export type LookupAnswer = z.infer<typeof lookupAnswer>;

/** The answer of redeem by a reseller's user: the partnership document it opened. */
export const resellerRedeemAnswer = z.object({
	document: z.string(),
	providerId: z.string(),
	resellerId: z.string()
});
export type ResellerRedeemAnswer = z.infer<typeof resellerRedeemAnswer>;

/** The answer of redeem by a customer's user: the relationship it answered. */
export const customerRedeemAnswer = z.object({
	document: z.string(),
	customerId: z.string(),
	resellerId: z.string(),
	providerId: z.string().nullable(),
	relationshipId: z.string(),
	answer: z.enum(CUSTOMER_ANSWERS)
});
export type CustomerRedeemAnswer = z.infer<typeof customerRedeemAnswer>;

/** POST customer-account: a customer account made from a customer link, the company and its admin. */
export const customerAccountRequest = z.strictObject({
	token: invitationToken,
	company: z.strictObject({
		legalName: f.name,
		domain: f.workAccountTenant.shape.domain,
		country: f.country
	}),
	admin: z.strictObject({
		displayName: f.name,
		email: f.email,
		password: z
			.string('error_field_required')
			.min(PASSWORD_MIN_LENGTH, 'auth_password_too_short')
			.max(PASSWORD_MAX_LENGTH, 'auth_password_too_long')
	})
});
export type CustomerAccountRequest = z.infer<typeof customerAccountRequest>;

/** Its answer (201, with the new admin's session cookies): the session, and the acceptance. */
export const customerAccountAnswer = sessionAnswer.extend({ redemption: customerRedeemAnswer });
export type CustomerAccountAnswer = z.infer<typeof customerAccountAnswer>;
