// What an admin does in User management, as events on the org document: Add user (with a
// temporary password made and hashed on this device), Update roles, disable, enable, remove.
// Refusals come back as i18n codes; the temporary password itself is returned once, never stored,
// with the id of the event: only the server decides the email is free in all of tiertwo.
import { documentName } from '$lib/domain/documents';
import { createIdGenerator } from '$lib/domain/ids';
import type { Role } from '$lib/domain/permissions';
import { TEMPORARY_PASSWORD_TTL_MS } from '$lib/domain/temporary-password';
import type { AppendResult } from './sync-engine';
import { syncClient } from './sync-client.svelte';
import { generateTemporaryPassword, hashTemporaryPassword } from './temporary-password';

export interface OrgUserRef {
	orgId: string;
	userId: string;
	fullName: string;
}

export type AddUserResult =
	| {
			ok: true;
			userId: string;
			email: string;
			fullName: string;
			temporaryPassword: string;
			/** the `user.added` event, to follow the server's decision (serverDecision) */
			eventId: string;
	  }
	| { ok: false; code: string };

const newUserId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

const orgDoc = (orgId: string) => documentName({ kind: 'org', orgId });

export async function addUser(
	orgId: string,
	input: { fullName: string; email: string; roles: Role[] }
): Promise<AddUserResult> {
	const fullName = input.fullName.trim();
	const email = input.email.trim();
	const temporaryPassword = generateTemporaryPassword();
	const hash = await hashTemporaryPassword(temporaryPassword);
	const userId = newUserId();
	const result = await syncClient.append(
		orgDoc(orgId),
		'user.added',
		{
			userId,
			email,
			fullName,
			roles: input.roles,
			temporaryPassword: { hash, expiresAt: Date.now() + TEMPORARY_PASSWORD_TTL_MS }
		},
		{ key: 'users_summary_added', params: { name: fullName, email } }
	);
	return result.ok
		? { ok: true, userId, email, fullName, temporaryPassword, eventId: result.eventId }
		: result;
}

export function changeRoles(user: OrgUserRef, roles: Role[]): Promise<AppendResult> {
	return syncClient.append(
		orgDoc(user.orgId),
		'user.rolesChanged',
		{ userId: user.userId, roles },
		{ key: 'users_summary_roles_changed', params: { name: user.fullName } }
	);
}

export function disableUser(user: OrgUserRef): Promise<AppendResult> {
	return syncClient.append(
		orgDoc(user.orgId),
		'user.disabled',
		{ userId: user.userId },
		{ key: 'users_summary_disabled', params: { name: user.fullName } }
	);
}

export function enableUser(user: OrgUserRef): Promise<AppendResult> {
	return syncClient.append(
		orgDoc(user.orgId),
		'user.enabled',
		{ userId: user.userId },
		{ key: 'users_summary_enabled', params: { name: user.fullName } }
	);
}

export function removeUser(user: OrgUserRef): Promise<AppendResult> {
	return syncClient.append(
		orgDoc(user.orgId),
		'user.removed',
		{ userId: user.userId },
		{ key: 'users_summary_removed', params: { name: user.fullName } }
	);
}
