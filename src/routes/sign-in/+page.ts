// Someone already signed in (or with a cached session) skips the sign-in page.
import { redirect } from '@sveltejs/kit';
import { session } from '$lib/sync/session.svelte';
import { safeRedirectTarget } from '$lib/sync/sign-in-redirect';

export async function load({ url }) {
	await session.restore();
	const redirectTo = safeRedirectTarget(url.searchParams.get('redirectTo'));
	if (session.status === 'signed-in') redirect(307, redirectTo);
}
