// Accounts and sessions: sign-in with throttling and equal timing, short-lived access tokens,
// rotating refresh tokens whose reuse revokes the session, sign-out, password changes.
import { PASSWORD_MAX_LENGTH, checkOwnerPassword } from '$lib/domain/password-policy';
import { scorePassword } from '$lib/domain/password-strength';
import { normalizeEmail } from '$lib/domain/rules';
import type { AuthCode } from '../codes.js';
import type { AccountRow, AccountStorage, NewAccount } from '../store/storage.js';
import { createDummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { SignInLimiter, type LimiterSettings, type SignInLimits } from './sign-in-limiter.js';
import { newId, newToken, tokenHash } from './tokens.js';

export interface AccountSettings {
	/** scrypt cost (log2 N) for new hashes */
	readonly hashLogN: number;
	/** access token lifetime; the contract caps it at 15 min */
	readonly accessTtlMs: number;
	/** a refresh token's lifetime: an idle session ends after this long */
	readonly refreshTtlMs: number;
	/** a session's absolute lifetime, however often it is refreshed */
	readonly sessionMaxMs: number;
	readonly limits?: Partial<LimiterSettings>;
	/** shared throttling (a cluster keeps it in Redis); in this process's memory by default */
	readonly limiter?: SignInLimits;
	readonly now?: () => number;
}

export interface Grant {
	readonly sessionId: string;
	readonly accountId: string;
	readonly accessToken: string;
	readonly accessExpiresAt: number;
	readonly refreshToken: string;
	readonly refreshExpiresAt: number;
}

export type AuthFailure = {
	readonly ok: false;
	readonly status: 400 | 401 | 403 | 429;
	readonly code: AuthCode;
	readonly retryAfterSeconds?: number;
};

export interface Authenticated {
	readonly ok: true;
	readonly account: AccountRow;
	readonly sessionId: string;
	readonly accessExpiresAt: number;
}

export interface AccountEvents {
	/** sessions that just ended (sign-out, reuse, password change, disabled account) */
	sessionsRevoked?(sessionIds: readonly string[]): void;
	/** a user changed their temporary password: the org document should record it */
	temporaryPasswordChanged?(account: AccountRow): void;
}

const fail = (
	status: AuthFailure['status'],
	code: AuthCode,
	retryAfterSeconds?: number
): AuthFailure =>
	retryAfterSeconds === undefined
		? { ok: false, status, code }
		: { ok: false, status, code, retryAfterSeconds };

export class AccountService {
	readonly #store: AccountStorage;
	readonly #settings: AccountSettings;
	readonly #limiter: SignInLimits;
	readonly #now: () => number;
	readonly #dummyHash: Promise<string>;
	#events: AccountEvents = {};
	#userEnded: (account: AccountRow) => Promise<boolean> = () => Promise.resolve(false);

	constructor(store: AccountStorage, settings: AccountSettings) {
		this.#store = store;
		this.#settings = settings;
		this.#limiter = settings.limiter ?? new SignInLimiter(settings.limits);
		this.#now = settings.now ?? Date.now;
		this.#dummyHash = createDummyHash(settings.hashLogN);
	}

	set events(events: AccountEvents) {
		this.#events = events;
	}

	/**
	 * Whether the org document, as the store holds it now, has disabled or removed the account's
	 * user. The account itself follows the document a moment after each commit (AccountSync); a
	 * sign-in asks the document too, so no process of a cluster lets a disabled user in meanwhile.
	 */
	set userEnded(check: (account: AccountRow) => Promise<boolean>) {
		this.#userEnded = check;
	}

	get store(): AccountStorage {
		return this.#store;
	}

	async hash(password: string): Promise<string> {
		return hashPassword(password, this.#settings.hashLogN);
	}

	/** Creates an account (demo seed, or a user the org document added). Email is normalized. */
	create(account: NewAccount): Promise<boolean> {
		return this.#store.insert({ ...account, email: normalizeEmail(account.email) }, this.#now());
	}

	/**
	 * Signs in. `deviceRefreshToken` is the refresh cookie the device sent along: when it belongs to
	 * a live session of this same account, the email's lock does not apply (see SignInLimits), so
	 * a stranger's wrong guesses cannot lock the owner out of a device already signed in.
	 */
	async signIn(
		emailInput: string,
		passwordInput: string,
		address: string,
		deviceRefreshToken?: string
	): Promise<{ ok: true; grant: Grant; account: AccountRow } | AuthFailure> {
		if (emailInput.length > 320 || passwordInput.length > PASSWORD_MAX_LENGTH) {
			return fail(401, 'auth_invalid_credentials');
		}
		const email = normalizeEmail(emailInput);
		const now = this.#now();
		const knownDevice = await this.#isSignedInDevice(deviceRefreshToken, email, now);
		const decision = await this.#limiter.attempt(address, email, now, knownDevice);
		if (!decision.allowed) return fail(429, decision.code, decision.retryAfterSeconds);
		const account = await this.#store.byEmail(email);
		// Unknown accounts check a dummy hash: the same work, the same answer, the same time.
		const matches = await verifyPassword(
			passwordInput,
			account?.password_hash ?? (await this.#dummyHash)
		);
		if (!account || !matches || account.disabled || (await this.#userEnded(account))) {
			await this.#limiter.failed(address, email, now, knownDevice);
			return fail(401, 'auth_invalid_credentials');
		}
		await this.#limiter.succeeded(email);
		if (
			account.must_change_password &&
			account.temporary_expires_at !== null &&
			account.temporary_expires_at < now
		) {
			return fail(401, 'auth_temporary_password_expired');
		}
		if (
			!account.must_change_password &&
			needsRehash(account.password_hash, this.#settings.hashLogN)
		) {
			await this.#store.setPassword(account.id, await this.hash(passwordInput), false, this.#now());
		}
		const sessionId = newId();
		await this.#store.createSession(sessionId, account.id, now, now + this.#settings.sessionMaxMs);
		return { ok: true, grant: await this.#issue(sessionId, account.id, now), account };
	}

	/** Whether `refreshToken` is an unused, unexpired token of a live session of `email`'s account. */
	async #isSignedInDevice(
		refreshToken: string | undefined,
		email: string,
		now: number
	): Promise<boolean> {
		if (!refreshToken || refreshToken.length > 128) return false;
		const token = await this.#store.refreshToken(tokenHash(refreshToken));
		if (!token || token.used_at !== null || token.expires_at <= now) return false;
		const live = await this.#liveSession(token.session_id, now, now);
		return live.ok && live.account.email === email;
	}

	async #issue(sessionId: string, accountId: string, now: number): Promise<Grant> {
		const session = await this.#store.session(sessionId);
		const sessionEnd = session?.expires_at ?? now;
		const accessToken = newToken();
		const refreshToken = newToken();
		const accessExpiresAt = Math.min(now + this.#settings.accessTtlMs, sessionEnd);
		const refreshExpiresAt = Math.min(now + this.#settings.refreshTtlMs, sessionEnd);
		await this.#store.addTokens(
			sessionId,
			{ hash: tokenHash(accessToken), expiresAt: accessExpiresAt },
			{ hash: tokenHash(refreshToken), expiresAt: refreshExpiresAt }
		);
		return { sessionId, accountId, accessToken, accessExpiresAt, refreshToken, refreshExpiresAt };
	}

	/** Checks an access token (cookie) and the session and account behind it. */
	async authenticate(accessToken: string | undefined): Promise<Authenticated | AuthFailure> {
		if (!accessToken) return fail(401, 'auth_not_signed_in');
		const now = this.#now();
		const token = await this.#store.accessToken(tokenHash(accessToken));
		if (!token) return fail(401, 'auth_not_signed_in');
		if (token.expires_at <= now) return fail(401, 'auth_session_expired');
		return this.#liveSession(token.session_id, now, token.expires_at);
	}

	async #liveSession(
		sessionId: string,
		now: number,
		accessExpiresAt: number
	): Promise<Authenticated | AuthFailure> {
		const session = await this.#store.session(sessionId);
		if (!session || session.revoked_at !== null || session.expires_at <= now) {
			return fail(401, 'auth_session_expired');
		}
		const account = await this.#store.byId(session.account_id);
		if (!account || account.disabled) return fail(401, 'auth_session_expired');
		return { ok: true, account, sessionId, accessExpiresAt };
	}

	/** Rotates the refresh token; presenting a used one ends its whole session (token theft). */
	async refresh(
		refreshToken: string | undefined
	): Promise<{ ok: true; grant: Grant; account: AccountRow } | AuthFailure> {
		if (!refreshToken) return fail(401, 'auth_not_signed_in');
		const now = this.#now();
		const hash = tokenHash(refreshToken);
		const token = await this.#store.refreshToken(hash);
		if (!token) return fail(401, 'auth_session_expired');
		if (token.used_at !== null || !(await this.#store.useRefreshToken(hash, now))) {
			await this.revoke([token.session_id], 'refresh_reused');
			return fail(401, 'auth_refresh_reused');
		}
		if (token.expires_at <= now) return fail(401, 'auth_session_expired');
		const live = await this.#liveSession(token.session_id, now, now);
		if (!live.ok) return live;
		return {
			ok: true,
			grant: await this.#issue(token.session_id, live.account.id, now),
			account: live.account
		};
	}

	async revoke(sessionIds: readonly string[], reason: string): Promise<void> {
		const now = this.#now();
		const ended: string[] = [];
		for (const id of sessionIds) {
			if (await this.#store.revokeSession(id, reason, now)) ended.push(id);
		}
		if (ended.length > 0) this.#events.sessionsRevoked?.(ended);
	}

	signOut(sessionId: string): Promise<void> {
		return this.revoke([sessionId], 'sign_out');
	}

	async signOutEverywhere(accountId: string): Promise<void> {
		await this.revoke(
			await this.#store.liveSessionIds(accountId, this.#now()),
			'sign_out_everywhere'
		);
	}

	/** `org`: what the org document says of the account's org (a password may not lean on it). */
	async changePassword(
		auth: Authenticated,
		currentInput: string,
		nextInput: string,
		org: { readonly orgName?: string | null; readonly tenantDomain?: string | null } = {}
	): Promise<{ ok: true } | AuthFailure> {
		// Bounded before any work: the strength estimate's cost grows with the length.
		if (nextInput.length > PASSWORD_MAX_LENGTH * 2) return fail(400, 'auth_password_too_long');
		const account = await this.#store.byId(auth.account.id);
		if (!account || !(await verifyPassword(currentInput, account.password_hash))) {
			return fail(400, 'auth_current_password_wrong');
		}
		if (currentInput === nextInput) return fail(400, 'auth_password_unchanged');
		const refusal = checkOwnerPassword(nextInput, scorePassword, {
			fullName: account.full_name,
			email: account.email,
			orgName: org.orgName,
			tenantDomain: org.tenantDomain
		});
		if (refusal) return fail(400, refusal);
		const wasTemporary = account.must_change_password === 1;
		await this.#store.setPassword(account.id, await this.hash(nextInput), false, this.#now());
		// Everyone else holding this account's old password is signed out; this device stays.
		await this.revoke(
			(await this.#store.liveSessionIds(account.id, this.#now())).filter(
				(id) => id !== auth.sessionId
			),
			'password_changed'
		);
		if (wasTemporary) this.#events.temporaryPasswordChanged?.(account);
		return { ok: true };
	}

	purgeExpired(): Promise<void> {
		return this.#store.purgeExpired(this.#now());
	}
}
