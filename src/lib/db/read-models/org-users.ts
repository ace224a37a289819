// Read model of a partner organization's users and their roles (User management, and the actor's roles).
import type { UserStatus } from '$lib/domain/model';
import type { Role } from '$lib/domain/permissions';
import type { OrgDocumentState } from '$lib/flows/documents/document-state';
import { searchKey } from '../text-key';

export interface OrgUserRow {
	doc: string;
	orgId: string;
	userId: string;
	email: string;
	/** `searchKey(email)`: unique-email checks and the list's sort */
	emailKey: string;
	fullName: string;
	roles: Role[];
	status: UserStatus;
	temporaryPasswordExpiresAt: number | null;
	addedAt: string;
}

export function orgUserRows(state: OrgDocumentState, doc: string): OrgUserRow[] {
	// The temporary password's hash stays in the log: no page needs it.
	return Object.values(state.users).map((user) => ({
		doc,
		orgId: state.orgId,
		userId: user.userId,
		email: user.email,
		emailKey: searchKey(user.email),
		fullName: user.fullName,
		roles: user.roles,
		status: user.status,
		temporaryPasswordExpiresAt: user.temporaryPasswordExpiresAt,
		addedAt: user.added.at
	}));
}
