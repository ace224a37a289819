// User management's queries: an org's users sorted by email (and by id, for the user rules), and
// its user changes that wait to sync or that the server refused (a duplicate email found on
// reconnect, say).
import { documentName } from '$lib/domain/documents';
import type { AppDatabase } from './app-database';
import type { OutboxRow, RefusedRow } from './local-records';
import type { OrgUserRow } from './read-models/org-users';

export interface OrgUserList {
	users: OrgUserRow[];
	/** users whose addition has not reached the server yet */
	pendingUserIds: Set<string>;
	pending: OutboxRow[];
	refused: RefusedRow[];
}

/** An org's users by id, for the user rules of flows/org-queries (the last Global admin). */
export async function orgUsersById(
	db: AppDatabase,
	orgId: string
): Promise<Record<string, OrgUserRow>> {
	const users = await db.orgUsers
		.where('[orgId+userId]')
		.between([orgId, ''], [orgId, '\uffff'])
		.toArray();
	return Object.fromEntries(users.map((user) => [user.userId, user]));
}

export async function orgUserList(db: AppDatabase, orgId: string): Promise<OrgUserList> {
	const doc = documentName({ kind: 'org', orgId });
	return db.transaction('r', [db.orgUsers, db.outbox, db.refused], async () => {
		const users = await db.orgUsers
			.where('[orgId+emailKey]')
			.between([orgId, ''], [orgId, '\uffff'])
			.toArray();
		const pending = (await db.outbox.where('doc').equals(doc).sortBy('at')).filter((row) =>
			row.event.type.startsWith('user.')
		);
		const refused = (await db.refused.where('doc').equals(doc).sortBy('refusedAt')).filter((row) =>
			row.event.type.startsWith('user.')
		);
		const pendingUserIds = new Set(
			pending.flatMap((row) => (row.event.type === 'user.added' ? [row.event.payload.userId] : []))
		);
		return { users, pendingUserIds, pending, refused };
	});
}
