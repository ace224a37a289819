// Only a signed-in user (a cached session is enough offline) gets the Dashboard; others go to sign in.
// A user still holding a temporary password changes it before anything else.
import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { session } from '$lib/sync/session.svelte';
import { signInHref } from '$lib/sync/sign-in-redirect';

export async function load({ url }) {
	await session.restore();
	if (session.status !== 'signed-in') redirect(307, signInHref(url));
	if (session.user?.mustChangePassword) redirect(307, resolve('/change-password'));
}
