// Where to send someone to sign in, and where to send them back after: same-origin paths only.
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export function signInHref(from: URL): ResolvedPathname {
	const back = from.pathname + from.search;
	if (back === '/') return resolve('/sign-in');
	return resolve(`/sign-in?redirectTo=${encodeURIComponent(back)}`);
}

/** Refuses anything that could leave the app (absolute or protocol-relative URLs). */
export function safeRedirectTarget(value: string | null): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
		return '/';
	}
	return value;
}
