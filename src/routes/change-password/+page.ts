// First sign-in with a temporary password: only signed-in users who still hold one come here.
import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { session } from '$lib/sync/session.svelte';
import { signInHref } from '$lib/sync/sign-in-redirect';

export async function load({ url }) {
	await session.restore();
	if (session.status !== 'signed-in') redirect(307, signInHref(url));
	if (!session.user?.mustChangePassword) redirect(307, resolve('/'));
}
