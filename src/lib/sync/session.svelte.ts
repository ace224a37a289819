// The signed-in user: cached in Dexie so the app opens offline, confirmed and refreshed with the server.
import { db } from '$lib/db/db';
import type { SessionRow, SessionUser } from '$lib/db/app-database';
import { requestPersistentStorageOnce } from '$lib/db/storage';
import { isRole } from '$lib/domain/permissions';
import {
	AUTH_PATHS,
	sessionAnswer,
	type SessionAnswer,
	type SignInRequest
} from '$lib/protocol/auth-api';
import { ApiError, UnreachableError, callApi, callJson } from './api-client';

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
			await this.#save(await callJson('GET', AUTH_PATHS.session, sessionAnswer));
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
			await this.#save(await callJson('POST', AUTH_PATHS.refresh, sessionAnswer));
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
		let response: SessionAnswer;
		try {
			response = await callJson('POST', AUTH_PATHS.signIn, sessionAnswer, {
				email,
				password
			} satisfies SignInRequest);
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
			await callApi('POST', AUTH_PATHS.signOut);
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

	async #save(response: SessionAnswer): Promise<void> {
		// Unknown role names (a newer server) are dropped, not trusted.
		const user: SessionUser = { ...response.user, roles: response.user.roles?.filter(isRole) };
		const row: SessionRow = {
			key: 'current',
			user,
			accessExpiresAt: response.accessExpiresAt,
			confirmedAt: Date.now()
		};
		await db.session.put(row);
		this.#user = user;
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
