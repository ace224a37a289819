// The signed-in user's roles and capabilities, live from their org document's read model: a role
// change made by an admin anywhere shows here (menu, pages, actions) without a reload.
import { db } from '$lib/db/db';
import { liveQueryState } from '$lib/db/live-query.svelte';
import { capabilitiesOf, type Capability, type Role } from '$lib/domain/permissions';
import { session } from './session.svelte';

export interface MyRoles {
	/** false until the org document has named this user on this device */
	readonly known: boolean;
	readonly roles: readonly Role[];
	readonly capabilities: ReadonlySet<Capability>;
}

const LIVE = new Set(['active', 'awaitingFirstSignIn']);

/** Call during a component's initialisation (it runs a live query for the component's life). */
export function myRoles(): MyRoles {
	const row = liveQueryState(
		() => {
			const user = session.user;
			return user ? db.orgUsers.get([user.orgId, user.id]) : undefined;
		},
		() => session.user?.id
	);
	// The org document decides; until this device holds it, the roles the server gave at sign-in.
	const roles = $derived(
		row.current
			? LIVE.has(row.current.status)
				? row.current.roles
				: []
			: (session.user?.roles ?? [])
	);
	const capabilities = $derived(capabilitiesOf(roles));
	return {
		get known() {
			return row.current !== undefined || session.user?.roles !== undefined;
		},
		get roles() {
			return roles;
		},
		get capabilities() {
			return capabilities;
		}
	};
}
