// The account API under /api/auth (issue 4; its contract is src/lib/protocol/auth-api.ts) and the
// invitation links' under /api/invitations (protocol/invitation-api.ts): JSON in and out, session
// cookies, errors as `{ error: { code, message, retryAfterSeconds?, fields? } }`
// (protocol/api-refusal.ts), sent by `refuse` for every route (enrollment's too). Also /health.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type {
	AccountService,
	AuthFailure,
	Authenticated,
	Grant
} from '../accounts/account-service.js';
import type { ErrorCode } from '$lib/domain/errors';
import { PASSWORD_MIN_LENGTH } from '$lib/domain/password-policy';
import type { RefusalBody } from '$lib/protocol/api-refusal';
import {
	AUTH_PATHS,
	changePasswordRequest,
	signInRequest,
	type DocumentsAnswer,
	type OrgSignInsAnswer,
	type SessionAnswer,
	type SessionUser
} from '$lib/protocol/auth-api';
import {
	INVITATION_PATHS,
	lookupRequest,
	redeemRequest,
	type CustomerAccountAnswer
} from '$lib/protocol/invitation-api';
import {
	INVITATION_CODES,
	type AuthCode,
	type EnrollmentCode,
	type InvitationCode
} from '../codes.js';
import type { InvitationService } from '../invitations/invitation-service.js';
import type { AccountRow } from '../store/storage.js';
import { BASE_SECURITY_HEADERS } from './app-static.js';
import {
	ACCESS_COOKIE,
	REFRESH_COOKIE,
	clearedCookies,
	parseCookies,
	sessionCookies
} from './cookies.js';
import { clientAddress, hasTrustedOrigin, isHttps, type OriginPolicy } from './origin.js';

/** The session answer's `user` as this server makes it: every field, always. */
export type DescribedUser = Required<SessionUser>;

export interface ApiDeps {
	readonly accounts: AccountService;
	readonly policy: OriginPolicy;
	readonly version: string;
	/** the user as the app sees them (org kind and name come from the org document) */
	readonly describe: (account: AccountRow) => DescribedUser | Promise<DescribedUser>;
	/** every document the user may open, with their access */
	readonly documentsFor: (account: AccountRow) => Promise<DocumentsAnswer['documents']>;
	/** when each user of the account's org last signed in; null when their roles may not see it */
	readonly signInsFor: (account: AccountRow) => Promise<OrgSignInsAnswer['users'] | null>;
	/** invitation links (`/api/invitations/*`); absent, those routes answer 404 */
	readonly invitations?: InvitationService;
	/** resolves once this process's accepted changes are in the shared listing index */
	readonly indexed?: () => Promise<void>;
	readonly now?: () => number;
	/** more routes (`METHOD /path`), e.g. enrollment (issue 7); they throw BadRequest on bad bodies */
	readonly routes?: Readonly<Record<string, Route>>;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export type RefusalCode =
	AuthCode | InvitationCode | EnrollmentCode | ErrorCode | 'not_found' | 'server_error';

/** A refusal as the API sends it (the app shows the message its catalogs have for `code`). */
export interface Refusal {
	readonly ok?: false;
	readonly status: number;
	readonly code: RefusalCode;
	readonly retryAfterSeconds?: number;
	/** field path to its error, for errors shown next to a form's fields */
	readonly fields?: Record<string, string>;
	/** English for logs and curl, where the code's own (MESSAGES) would not fit */
	readonly message?: string;
}

/** The body's English `message` for a code (the app shows its catalog's text, never this). */
const MESSAGES: Partial<Record<RefusalCode, string>> = {
	auth_invalid_credentials: 'The email or password is not correct.',
	auth_rate_limited: 'Too many attempts. Try again later.',
	auth_locked: 'Too many failed sign-ins for this account. Try again later.',
	auth_not_signed_in: 'Not signed in.',
	auth_session_expired: 'The session has expired. Sign in again.',
	auth_refresh_reused: 'This session was ended because its refresh token was used twice.',
	auth_temporary_password_expired:
		'The temporary password has expired. Ask an admin for a new one.',
	auth_password_change_required: 'Change your temporary password first.',
	auth_current_password_wrong: 'The current password is not correct.',
	auth_password_too_short: `The new password is too short: use at least ${PASSWORD_MIN_LENGTH} characters.`,
	auth_password_too_long: 'The new password is too long.',
	auth_password_personal:
		'The new password is built on your own name, email address, organization or domain.',
	auth_password_too_common: 'The new password is too common or too easy to guess.',
	auth_password_unchanged: 'The new password must differ from the current one.',
	auth_origin_refused: 'Requests from this origin are not accepted.',
	auth_capability_missing: 'Your roles do not allow this.',
	auth_bad_request: 'The request is malformed.',
	invitation_not_found: 'No invitation has this link (or it has not synced yet).',
	invitation_expired: 'This invitation has expired.',
	invitation_revoked: 'This invitation was revoked.',
	invitation_used: 'This invitation has already been used.',
	invitation_token_invalid: 'This is not a valid invitation link.',
	invitation_rate_limited: 'Too many invitation links tried. Try again later.',
	invitation_wrong_org_kind: 'This invitation is for another kind of organization.',
	invitation_capability_missing: 'Your roles do not allow accepting this invitation.',
	invitation_already_partnered: 'Your organization already works with this one.',
	invitation_kind_unsupported: 'This kind of invitation cannot be accepted here yet.',
	invitation_already_customer: 'Your organization already has a relationship with this reseller.',
	invitation_partnership_not_live:
		'The reseller no longer works with the provider this invitation names.',
	invitation_country_mismatch:
		'Reseller relationships stay within one country/region: this reseller is in another.',
	invitation_answer_required: 'Say whether you accept or decline the invitation.',
	pmc_invalid_credentials: 'The Partner Membership Center user name or password is not correct.',
	pmc_no_profiles: 'This Partner Membership Center account has no organization profile.',
	enrollment_link_invalid: 'This verification link is not valid.',
	enrollment_link_used: 'This verification link was already used.',
	enrollment_link_expired: 'This verification link has expired.',
	enrollment_rate_limited: 'Too many verification attempts. Try again later.',
	enrollment_reviewer_only: "Only the program's enrollment reviewers can do this.",
	not_found: 'No such API endpoint.',
	server_error: 'Something went wrong on the server.'
};

const MAX_BODY_BYTES = 16 * 1024;

export class BadRequest extends Error {}
class NoRoute extends Error {}

export function send(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string | string[]> = {}
): void {
	for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) res.setHeader(name, value);
	res.setHeader('Cache-Control', 'no-store');
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	if (body === undefined) {
		res.writeHead(status).end();
		return;
	}
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/**
 * Every refusal of the HTTP API (and the server's other HTTP errors), in the one shape
 * (protocol/api-refusal.ts): `{ error: { code, message, retryAfterSeconds?, fields? } }` with the
 * status, and Retry-After when there is a wait.
 */
export function refuse(
	res: ServerResponse,
	refusal: Refusal,
	headers: Record<string, string | string[]> = {}
): void {
	const { status, code, retryAfterSeconds, fields } = refusal;
	const error: RefusalBody['error'] = {
		code,
		message: refusal.message ?? MESSAGES[code] ?? code,
		...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
		...(fields ? { fields } : {})
	};
	send(
		res,
		status,
		{ error } satisfies RefusalBody,
		retryAfterSeconds === undefined
			? headers
			: { ...headers, 'Retry-After': String(retryAfterSeconds) }
	);
}

/** The session of the request's access cookie, or why there is none (401). */
export function authenticate(
	accounts: AccountService,
	req: IncomingMessage
): Promise<Authenticated | AuthFailure> {
	return accounts.authenticate(parseCookies(req.headers.cookie).get(ACCESS_COOKIE));
}

/**
 * A session whose user may use the app: signed in (else 401, as the session says) and past their
 * temporary password (else 403 `auth_password_change_required`).
 */
export async function signedIn(
	accounts: AccountService,
	req: IncomingMessage
): Promise<Authenticated | AuthFailure> {
	const auth = await authenticate(accounts, req);
	if (!auth.ok || !auth.account.must_change_password) return auth;
	return { ok: false, status: 403, code: 'auth_password_change_required' };
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const type = req.headers['content-type'] ?? '';
	// JSON only: a cross-site form cannot send it without a CORS preflight we never grant.
	if (!/^application\/json(;|$)/i.test(type)) throw new BadRequest('content-type');
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw new BadRequest('too large');
		chunks.push(chunk);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		throw new BadRequest('json');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new BadRequest('shape');
	}
	return parsed as Record<string, unknown>;
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Returns a handler that answers the API paths and reports false for anything else. */
export function createApiHandler(deps: ApiDeps): ApiHandler {
	const now = deps.now ?? Date.now;
	const { accounts, policy } = deps;

	async function sessionBody(account: AccountRow, accessExpiresAt: number): Promise<SessionAnswer> {
		return {
			user: await deps.describe(account),
			accessExpiresAt: new Date(accessExpiresAt).toISOString()
		};
	}

	async function grantResponse(
		req: IncomingMessage,
		res: ServerResponse,
		grant: Grant,
		account: AccountRow
	) {
		send(res, 200, await sessionBody(account, grant.accessExpiresAt), {
			'Set-Cookie': sessionCookies(grant, now(), isHttps(req, policy))
		});
	}

	function invitationRequest(req: IncomingMessage) {
		if (!deps.invitations) throw new NoRoute();
		return { invitations: deps.invitations, address: clientAddress(req, policy) };
	}

	/** An unreadable body costs as much as a guessed link: it is what a scanner sends. */
	async function readInvitationJson(
		req: IncomingMessage,
		invitations: InvitationService,
		address: string
	): Promise<Record<string, unknown>> {
		try {
			return await readJson(req);
		} catch (error) {
			if (error instanceof BadRequest) await invitations.charge(address, true);
			throw error;
		}
	}

	/**
	 * A body read as its contract says, or its refusal (400, costing a guess like an unreadable
	 * one): a malformed token or answer by the contract's own code (`invitation_token_invalid`,
	 * `invitation_answer_required`), anything else as a bad request.
	 */
	async function invitationBody<T>(
		schema: z.ZodType<T>,
		body: Record<string, unknown>,
		invitations: InvitationService,
		address: string
	): Promise<{ ok: true; data: T } | Refusal> {
		const parsed = schema.safeParse(body);
		if (parsed.success) return { ok: true, data: parsed.data };
		await invitations.charge(address, true);
		const said = parsed.error.issues[0]?.message;
		const code = INVITATION_CODES.find((known) => known === said) ?? 'auth_bad_request';
		return { ok: false, status: 400, code };
	}

	const routes: Record<string, Route> = {
		...deps.routes,
		[`POST ${AUTH_PATHS.signIn}`]: async (req, res) => {
			const body = signInRequest.safeParse(await readJson(req));
			if (!body.success) throw new BadRequest('sign-in');
			const result = await accounts.signIn(
				body.data.email,
				body.data.password,
				clientAddress(req, policy),
				parseCookies(req.headers.cookie).get(REFRESH_COOKIE)
			);
			if (!result.ok) return refuse(res, result);
			await grantResponse(req, res, result.grant, result.account);
		},
		[`POST ${AUTH_PATHS.refresh}`]: async (req, res) => {
			const result = await accounts.refresh(parseCookies(req.headers.cookie).get(REFRESH_COOKIE));
			if (!result.ok) {
				return refuse(res, result, { 'Set-Cookie': clearedCookies(isHttps(req, policy)) });
			}
			await grantResponse(req, res, result.grant, result.account);
		},
		[`GET ${AUTH_PATHS.session}`]: async (req, res) => {
			const auth = await authenticate(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			send(res, 200, await sessionBody(auth.account, auth.accessExpiresAt));
		},
		[`POST ${AUTH_PATHS.signOut}`]: async (req, res) => {
			const auth = await authenticate(accounts, req);
			if (auth.ok) await accounts.signOut(auth.sessionId);
			send(res, 204, undefined, { 'Set-Cookie': clearedCookies(isHttps(req, policy)) });
		},
		[`POST ${AUTH_PATHS.signOutEverywhere}`]: async (req, res) => {
			const auth = await authenticate(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			await accounts.signOutEverywhere(auth.account.id);
			send(res, 204, undefined, { 'Set-Cookie': clearedCookies(isHttps(req, policy)) });
		},
		[`POST ${AUTH_PATHS.changePassword}`]: async (req, res) => {
			const auth = await authenticate(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			const body = changePasswordRequest.safeParse(await readJson(req));
			if (!body.success) throw new BadRequest('change-password');
			const result = await accounts.changePassword(
				auth,
				body.data.currentPassword,
				body.data.newPassword,
				await deps.describe(auth.account)
			);
			if (!result.ok) return refuse(res, result);
			send(res, 204, undefined);
		},
		[`GET ${AUTH_PATHS.documents}`]: async (req, res) => {
			const auth = await signedIn(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			send(res, 200, {
				documents: await deps.documentsFor(auth.account)
			} satisfies DocumentsAnswer);
		},
		[`GET ${AUTH_PATHS.orgSignIns}`]: async (req, res) => {
			const auth = await signedIn(accounts, req);
			if (!auth.ok) return refuse(res, auth);
			const users = await deps.signInsFor(auth.account);
			if (!users) {
				return refuse(res, { ok: false, status: 403, code: 'auth_capability_missing' });
			}
			send(res, 200, { users } satisfies OrgSignInsAnswer);
		},
		[`POST ${INVITATION_PATHS.lookup}`]: async (req, res) => {
			const { invitations, address } = invitationRequest(req);
			const limited = await invitations.admit(address);
			if (limited) return refuse(res, limited);
			const raw = await readInvitationJson(req, invitations, address);
			const body = await invitationBody(lookupRequest, raw, invitations, address);
			if (!body.ok) return refuse(res, body);
			const answer = await invitations.lookup(address, body.data.token);
			if (!answer.ok) return refuse(res, answer);
			send(res, 200, answer.body);
		},
		[`POST ${INVITATION_PATHS.redeem}`]: async (req, res) => {
			const { invitations, address } = invitationRequest(req);
			const limited = await invitations.admit(address);
			if (limited) return refuse(res, limited);
			const raw = await readInvitationJson(req, invitations, address);
			const auth = await signedIn(accounts, req);
			if (!auth.ok) {
				await invitations.charge(address, false);
				return refuse(res, auth);
			}
			const body = await invitationBody(redeemRequest, raw, invitations, address);
			if (!body.ok) return refuse(res, body);
			const viewer = { userId: auth.account.id, orgId: auth.account.org_id };
			const answer = await invitations.redeem(address, body.data.token, viewer, body.data.answer);
			if (!answer.ok) return refuse(res, answer);
			// The app lists its documents next, maybe through another process of a cluster.
			await deps.indexed?.();
			send(res, 200, answer.body);
		},
		// Create a customer account from a customer link: no session needed (the token is the
		// capability); the new Global admin is signed in as the sign-in route does.
		[`POST ${INVITATION_PATHS.customerAccount}`]: async (req, res) => {
			const { invitations, address } = invitationRequest(req);
			const limited = await invitations.admit(address);
			if (limited) return refuse(res, limited);
			const body = await readInvitationJson(req, invitations, address);
			const created = await invitations.createCustomer(address, body);
			if (!created.ok) return refuse(res, created);
			const { email, password, ...redemption } = created.body;
			const admin = await accounts.signIn(email, password, address);
			if (!admin.ok) return refuse(res, admin);
			// The app lists its documents next, maybe through another process of a cluster.
			await deps.indexed?.();
			send(
				res,
				201,
				{
					...(await sessionBody(admin.account, admin.grant.accessExpiresAt)),
					redemption
				} satisfies CustomerAccountAnswer,
				{ 'Set-Cookie': sessionCookies(admin.grant, now(), isHttps(req, policy)) }
			);
		},
		'GET /health': (_req, res) => {
			send(res, 200, { ok: true, version: deps.version });
		},
		'HEAD /health': (_req, res) => {
			send(res, 200, undefined);
		}
	};

	return async (req, res) => {
		const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		const route = routes[`${req.method} ${pathname}`];
		if (!route) {
			if (!pathname.startsWith('/api/')) return false;
			refuse(res, { status: 404, code: 'not_found' });
			return true;
		}
		if (req.method === 'POST' && req.headers.origin !== undefined) {
			// Browsers always send Origin on POST; a foreign one is a cross-site request.
			if (!hasTrustedOrigin(req, policy)) {
				refuse(res, { status: 403, code: 'auth_origin_refused' });
				return true;
			}
		}
		try {
			await route(req, res);
		} catch (error) {
			if (error instanceof BadRequest) {
				refuse(res, { status: 400, code: 'auth_bad_request' });
			} else if (error instanceof NoRoute) {
				refuse(res, { status: 404, code: 'not_found' });
			} else {
				throw error;
			}
		}
		return true;
	};
}
