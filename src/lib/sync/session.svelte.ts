// The signed-in user: cached in Dexie so the app opens offline, confirmed and refreshed with the server.
import { z } from 'zod';
import { db } from '$lib/db/db';
import type { SessionRow, SessionUser } from '$lib/db/app-database';
import { requestPersistentStorageOnce } from '$lib/db/storage';
import { isRole } from '$lib/domain/permissions';
import { ApiError, UnreachableError, callApi, callJson } from './api-client';

const userSchema = z.object({
	id: z.string(),
	email: z.string(),
	fullName: z.string(),
	orgId: z.string(),
	orgKind: z.string(),
	orgName: z.string(),
	// Absent from servers older than issue 21: the password check then goes without it.
	tenantDomain: z.string().nullable().optional(),
	mustChangePassword: z.boolean(),
	// Unknown role names (a newer server) are dropped, not trusted.
	roles: z
		.array(z.string())
		.optional()
		.transform((roles) => roles?.filter(isRole))
}) satisfies z.ZodType<SessionUser, unknown>;

const sessionResponseSchema = z.object({
	user: userSchema,
	accessExpiresAt: z.union([z.string(), z.number()])
});

type SessionResponse = z.infer<typeof sessionResponseSchema>;

export type SessionStatus = 'restoring' | 'signed-in' | 'signed-out';

export type SignInResult =
	{ ok: true } | { ok: false; code: string; retryAfterSeconds: number | undefined };

/** Serializes refreshes across tabs: the refresh token rotates and reusing an old one revokes it. */
const REFRESH_LOCK = 'tiertwo-auth-refresh';

class Session {
	#status = $state<SessionStatus>('restoring');
	#user = $state<SessionUser | null>(null);
	#restoring: Promise<void> | undefined;
	#refreshing: Promise<boolean> | undefined;

	get status(): SessionStatus {
		return this.#status;
	}

	get user(): SessionUser | null {
		return this.#user;
	}

	/**
	 * Resolves once it is known whether someone is signed in. A cached session answers at once
	 * (the app must open offline) and is confirmed with the server in the background.
	 */
	restore(): Promise<void> {
		this.#restoring ??= this.#restore();
		return this.#restoring;
	}

	async #restore(): Promise<void> {
		const cached = await db.session.get('current');
		if (cached) {
			this.#user = cached.user;
			this.#status = 'signed-in';
			this.confirm().catch(reportError);
			return;
		}
		try {
			await this.confirm();
		} finally {
			if (this.#status === 'restoring') this.#status = 'signed-out';
		}
	}

	/** Asks the server whether the session still holds; unreachable keeps what we have. */
	async confirm(): Promise<void> {
		try {
			await this.#save(await callJson('GET', '/api/auth/session', sessionResponseSchema));
		} catch (error) {
			if (error instanceof ApiError && error.status === 401) {
				if (!(await this.refresh())) await this.#forget();
			} else if (!(error instanceof UnreachableError) && !(error instanceof ApiError)) {
				throw error;
			}
		}
	}

	/** Renews the access cookie; false when the server says the session is over. */
	refresh(): Promise<boolean> {
		this.#refreshing ??= this.#withRefreshLock(() => this.#refresh()).finally(() => {
			this.#refreshing = undefined;
		});
		return this.#refreshing;
	}

	async #refresh(): Promise<boolean> {
		try {
			await this.#save(await callJson('POST', '/api/auth/refresh', sessionResponseSchema));
			return true;
		} catch (error) {
			if (error instanceof ApiError && error.status === 401) return false;
			// Offline or a server fault is not the end of the session.
			return this.#status === 'signed-in';
		}
	}

	async #withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
		if (typeof navigator === 'undefined' || !navigator.locks) return task();
		return navigator.locks.request(REFRESH_LOCK, task);
	}

	async signIn(email: string, password: string): Promise<SignInResult> {
		let response: SessionResponse;
		try {
			response = await callJson('POST', '/api/auth/sign-in', sessionResponseSchema, {
				email,
				password
			});
		} catch (error) {
			if (error instanceof ApiError) {
				return { ok: false, code: error.code, retryAfterSeconds: error.retryAfterSeconds };
			}
			if (error instanceof UnreachableError) {
				return { ok: false, code: 'auth_offline', retryAfterSeconds: undefined };
			}
			throw error;
		}
		await this.#save(response);
		// After the first sign-in, ask the browser to keep our offline data (issue: persist()).
		await requestPersistentStorageOnce();
		return { ok: true };
	}

	async signOut(): Promise<void> {
		try {
			await callApi('POST', '/api/auth/sign-out');
		} catch (error) {
			// Signing out offline still forgets the session on this device.
			if (!(error instanceof UnreachableError) && !(error instanceof ApiError)) throw error;
		}
		await this.#forget();
	}

	/**
	 * The server refused the session and its refresh (e.g. the browser lost its newest cookies in
	 * a crash): forget it so the shell asks to sign in. The device's data and pending work stay.
	 */
	async ended(): Promise<void> {
		if (this.#status === 'signed-in') await this.#forget();
	}

	async #save(response: SessionResponse): Promise<void> {
		const row: SessionRow = {
			key: 'current',
			user: response.user,
			accessExpiresAt: response.accessExpiresAt,
			confirmedAt: Date.now()
		};
		await db.session.put(row);
		this.#user = response.user;
		this.#status = 'signed-in';
	}

	async #forget(): Promise<void> {
		await db.session.delete('current');
		this.#user = null;
		this.#status = 'signed-out';
	}

	/** For tests: back to the state of a fresh page. */
	reset(): void {
		this.#status = 'restoring';
		this.#user = null;
		this.#restoring = undefined;
		this.#refreshing = undefined;
	}
}

export const session = new Session();
