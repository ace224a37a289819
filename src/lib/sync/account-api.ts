// Account security calls to the server: change password, sign out everywhere, and when the org's
// users last signed in. Refusals come back as i18n codes (the server's codes are message keys).
import { AUTH_PATHS, orgSignInsAnswer, type ChangePasswordRequest } from '$lib/protocol/auth-api';
import { ApiError, UnreachableError, callApi, callJson } from './api-client';
import { session } from './session.svelte';

export type AccountResult = { ok: true } | { ok: false; code: string };

function failure(error: unknown): { ok: false; code: string } {
	if (error instanceof ApiError) return { ok: false, code: error.code };
	if (error instanceof UnreachableError) return { ok: false, code: 'auth_offline' };
	throw error;
}

/** Changes the password; this device stays signed in, every other session ends. */
export async function changePassword(
	currentPassword: string,
	newPassword: string
): Promise<AccountResult> {
	try {
		await callApi('POST', AUTH_PATHS.changePassword, {
			currentPassword,
			newPassword
		} satisfies ChangePasswordRequest);
	} catch (error) {
		return failure(error);
	}
	// The session now says the temporary password is gone (mustChangePassword false).
	await session.confirm();
	return { ok: true };
}

/** Ends every session of this account, this one included. */
export async function signOutEverywhere(): Promise<AccountResult> {
	try {
		await callApi('POST', AUTH_PATHS.signOutEverywhere);
	} catch (error) {
		return failure(error);
	}
	return { ok: true };
}

/** userId -> last sign-in (ISO), or null when it cannot be known now (offline, not allowed). */
export async function orgSignIns(): Promise<Map<string, string | null> | null> {
	try {
		const { users } = await callJson('GET', AUTH_PATHS.orgSignIns, orgSignInsAnswer);
		return new Map(users.map((user) => [user.userId, user.lastSignInAt]));
	} catch (error) {
		if (error instanceof ApiError || error instanceof UnreachableError) return null;
		throw error;
	}
}
