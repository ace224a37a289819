// The session cookies: HttpOnly, SameSite=Strict, Secure over https; the refresh cookie is only
// ever sent to the account API (/api/auth), so no other request (nor the websocket) carries it.
import { AUTH_PREFIX } from '$lib/protocol/auth-api';

export const ACCESS_COOKIE = 'tt_access';
export const REFRESH_COOKIE = 'tt_refresh';

export function parseCookies(header: string | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	if (!header) return cookies;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0) continue;
		const name = part.slice(0, eq).trim();
		const value = part.slice(eq + 1).trim();
		// The first one wins, as browsers send the most specific path first.
		if (!cookies.has(name)) cookies.set(name, value);
	}
	return cookies;
}

function cookie(
	name: string,
	value: string,
	options: { path: string; maxAgeSeconds: number; secure: boolean }
): string {
	return [
		`${name}=${value}`,
		`Path=${options.path}`,
		`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
		'HttpOnly',
		'SameSite=Strict',
		...(options.secure ? ['Secure'] : [])
	].join('; ');
}

export function sessionCookies(
	grant: {
		accessToken: string;
		accessExpiresAt: number;
		refreshToken: string;
		refreshExpiresAt: number;
	},
	now: number,
	secure: boolean
): string[] {
	return [
		cookie(ACCESS_COOKIE, grant.accessToken, {
			path: '/',
			maxAgeSeconds: (grant.accessExpiresAt - now) / 1000,
			secure
		}),
		cookie(REFRESH_COOKIE, grant.refreshToken, {
			path: AUTH_PREFIX,
			maxAgeSeconds: (grant.refreshExpiresAt - now) / 1000,
			secure
		})
	];
}

export function clearedCookies(secure: boolean): string[] {
	return [
		cookie(ACCESS_COOKIE, '', { path: '/', maxAgeSeconds: 0, secure }),
		cookie(REFRESH_COOKIE, '', { path: AUTH_PREFIX, maxAgeSeconds: 0, secure })
	];
}
