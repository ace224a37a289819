// The account API's HTTP endpoints (`/api/auth/*`), one contract each: the request and the answer
// as zod schemas both sides use. The server reads the sign-in and password forms with them and
// types its answers with them; the app parses what comes back with them. The session travels in
// cookies (access, and refresh scoped to /api/auth), never in a body. Refusals are the API's usual
// `{ error: { code, message, retryAfterSeconds? } }` (api-refusal).
import { z } from 'zod';

/** Every account endpoint is under it, and only they see the refresh cookie (scoped to it). */
export const AUTH_PREFIX = '/api/auth';

export const AUTH_PATHS = {
	signIn: `${AUTH_PREFIX}/sign-in`,
	refresh: `${AUTH_PREFIX}/refresh`,
	session: `${AUTH_PREFIX}/session`,
	signOut: `${AUTH_PREFIX}/sign-out`,
	signOutEverywhere: `${AUTH_PREFIX}/sign-out-everywhere`,
	changePassword: `${AUTH_PREFIX}/change-password`,
	documents: `${AUTH_PREFIX}/documents`,
	orgSignIns: `${AUTH_PREFIX}/org-sign-ins`
} as const;

/**
 * POST sign-in: the email and password as typed (the server bounds and normalizes them; too long is
 * a wrong password, not a malformed request). Answered with a session and its cookies.
 */
export const signInRequest = z.object({ email: z.string(), password: z.string() });
export type SignInRequest = z.infer<typeof signInRequest>;

/** The signed-in user as the app sees them (org kind and name come from the org document). */
export const sessionUser = z.object({
	id: z.string(),
	email: z.string(),
	fullName: z.string(),
	orgId: z.string(),
	orgKind: z.string(),
	orgName: z.string(),
	/**
	 * the org's tenant domain, where it has one: a new password may not lean on it (this server
	 * always sends it; servers older than issue 21 did not, and the password check goes without it)
	 */
	tenantDomain: z.string().nullable().optional(),
	mustChangePassword: z.boolean(),
	/**
	 * the user's roles as their org document says now (the app follows the document live); always
	 * sent by this server, and a name the app does not know (a newer server) is the app's to drop
	 */
	roles: z.array(z.string()).optional()
});
export type SessionUser = z.infer<typeof sessionUser>;

/**
 * The answer of POST sign-in, POST refresh (the refresh cookie is the request; a refusal clears the
 * cookies) and GET session: who is signed in, and until when the access cookie holds.
 */
export const sessionAnswer = z.object({
	user: sessionUser,
	/** ISO 8601 from this server (the app also takes epoch ms) */
	accessExpiresAt: z.union([z.string(), z.number()])
});
export type SessionAnswer = z.infer<typeof sessionAnswer>;

// POST sign-out (no body; signed in or not) and POST sign-out-everywhere (signed in): 204 with the
// session cookies cleared.

/**
 * POST change-password (signed in): 204, this session stays and every other one of the account
 * ends. A refusal names the password rule it broke (`auth_password_too_short`, ...).
 */
export const changePasswordRequest = z.object({
	currentPassword: z.string(),
	newPassword: z.string()
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/** A document the user may open, where its log stands, and their access to it. */
export const listedDocument = z.object({
	name: z.string(),
	version: z.number(),
	changedAt: z.string(),
	access: z.enum(['read', 'write'])
});

/**
 * GET documents (signed in, temporary password changed): every document the user may open, as the
 * channel's `documents` message lists them.
 */
export const documentsAnswer = z.object({ documents: z.array(listedDocument) });
export type DocumentsAnswer = z.infer<typeof documentsAnswer>;

/**
 * GET org-sign-ins (signed in, temporary password changed, may manage users): when each user of the
 * org last signed in (ISO 8601, null for never).
 */
export const orgSignInsAnswer = z.object({
	users: z.array(z.object({ userId: z.string(), lastSignInAt: z.string().nullable() }))
});
export type OrgSignInsAnswer = z.infer<typeof orgSignInsAnswer>;
