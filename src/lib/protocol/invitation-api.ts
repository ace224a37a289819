// The invitation links' HTTP endpoints (`/api/invitations/*`), one contract each: the request and
// the answer as zod schemas both sides use. The server types its answers with them and reads the
// new customer account's form with its schema; the app parses what comes back with them. Refusals
// are the API's usual `{ error: { code, fields?, retryAfterSeconds? } }`.
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

/** POST lookup `{ token }`, no sign-in (the token is the capability): who sent it, until when. */
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

/** POST redeem `{ token }` by a reseller's user: the partnership document it opened. */
export const resellerRedeemAnswer = z.object({
	document: z.string(),
	providerId: z.string(),
	resellerId: z.string()
});
export type ResellerRedeemAnswer = z.infer<typeof resellerRedeemAnswer>;

/** POST redeem `{ token, answer }` by a customer's user: the relationship it answered. */
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
	token: z.string(),
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
