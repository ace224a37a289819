// A new organization's first events, however it comes to be (a reseller's work account, a provider
// the program adds, a customer account made from a link, the demo's customers): `org.created` and
// its first admin's `user.added`. An admin who chose their own password (it lives only in the
// account) gets an unusable placeholder in the log, replaced at once (`user.passwordChanged`).
import type { DomainEvent, PayloadOf } from '$lib/domain/events';
import type { Role } from '$lib/domain/permissions';
import type { EventMaker } from '$lib/flows/documents/decision';

export interface FirstAdmin {
	readonly userId: string;
	readonly email: string;
	readonly fullName: string;
	readonly roles: readonly Role[];
	/** the temporary password's hash (a device's, or the placeholder) and when it expires */
	readonly temporaryPassword: { readonly hash: string; readonly expiresAt: number };
	/** the admin chose their own password: the temporary one is replaced in the same breath */
	readonly passwordChosen: boolean;
}

export function newOrgEvents(
	make: EventMaker,
	org: PayloadOf<'org.created'>,
	admin: FirstAdmin
): DomainEvent[] {
	const { userId } = admin;
	return [
		make('org.created', org),
		make('user.added', {
			userId,
			email: admin.email,
			fullName: admin.fullName,
			roles: [...admin.roles],
			temporaryPassword: { ...admin.temporaryPassword }
		}),
		...(admin.passwordChosen ? [make('user.passwordChanged', { userId })] : [])
	];
}
