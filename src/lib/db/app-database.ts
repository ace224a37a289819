// The Dexie database `tiertwo`: its tables and their indexes, version by version.
import { Dexie, type EntityTable, type Table } from 'dexie';
import type {
	DocUpdateRow,
	DraftRow,
	DocVersionRow,
	KnownDocumentRow,
	OutboxRow,
	RefusedRow
} from './local-records';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { CustomerRow } from './read-models/customers';
import type { DirectoryEntryRow } from './read-models/directory-entries';
import type { EnrollmentRow } from './read-models/enrollment';
import type { InvitationRow } from './read-models/invitations';
import type { LicenseRow } from './read-models/licenses';
import type { OrderRow } from './read-models/orders';
import type { OrgUserRow } from './read-models/org-users';
import type { OrgRow } from './read-models/orgs';
import type { PartnershipRow } from './read-models/partnerships';
import type { SubscriptionRow } from './read-models/subscriptions';
import type { SupersededRow } from './read-models/superseded';
import type { TenantUserRow } from './read-models/tenant-users';
import type { Role } from '$lib/domain/permissions';

/** A per-device preference or fact, e.g. the result of asking for persistent storage. */
export interface SettingRow {
	key: string;
	value: unknown;
}

/** The signed-in user as the server last confirmed it, so the app opens offline. */
export interface SessionUser {
	id: string;
	email: string;
	fullName: string;
	orgId: string;
	orgKind: string;
	orgName: string;
	/** the org's tenant domain, where it has one (absent in sessions cached before issue 21) */
	tenantDomain?: string | null;
	mustChangePassword: boolean;
	/** roles when the server last confirmed the session (absent in sessions cached before) */
	roles?: Role[];
}

export interface SessionRow {
	key: 'current';
	user: SessionUser;
	accessExpiresAt: string | number;
	/** When the server last confirmed this session (ms since epoch). */
	confirmedAt: number;
}

/** Setting naming the user whose documents and pending work this device holds. */
export const DATA_OWNER_SETTING = 'dataOwner';
/** When this device last heard from the sync server (epoch ms). */
export const LAST_CONTACT_SETTING = 'lastContactAt';
/** What others changed while this device was away ("since you were last online"). */
export const AWAY_SUMMARY_SETTING = 'sinceLastOnline';
/** Refused changes the user was already told of (the shell's notice leaves them out). */
export const SEEN_REFUSALS_SETTING = 'seenRefusals';
/** Orders submitted on this device whose failure the user has not been told of yet. */
export const FOLLOWED_ORDERS_SETTING = 'followedOrders';
/** Settings that belong to the signed-in user's data (cleared with it). */
export const USER_DATA_SETTINGS = [
	LAST_CONTACT_SETTING,
	AWAY_SUMMARY_SETTING,
	SEEN_REFUSALS_SETTING,
	FOLLOWED_ORDERS_SETTING
] as const;

export class AppDatabase extends Dexie {
	settings!: EntityTable<SettingRow, 'key'>;
	session!: EntityTable<SessionRow, 'key'>;
	// Version 2: local data (issue 5).
	docUpdates!: EntityTable<DocUpdateRow, 'seq'>;
	documents!: EntityTable<KnownDocumentRow, 'name'>;
	outbox!: EntityTable<OutboxRow, 'eventId'>;
	refused!: EntityTable<RefusedRow, 'eventId'>;
	drafts!: EntityTable<DraftRow, 'key'>;
	customers!: EntityTable<CustomerRow, 'customerId'>;
	subscriptions!: Table<SubscriptionRow, [string, string]>;
	licenses!: Table<LicenseRow, [string, string, string]>;
	tenantUsers!: Table<TenantUserRow, [string, string]>;
	customerRelationships!: Table<CustomerRelationshipRow, [string, string]>;
	orders!: Table<OrderRow, [string, string]>;
	partnerships!: EntityTable<PartnershipRow, 'doc'>;
	orgs!: EntityTable<OrgRow, 'orgId'>;
	orgUsers!: Table<OrgUserRow, [string, string]>;
	invitations!: Table<InvitationRow, [string, string]>;
	enrollment!: EntityTable<EnrollmentRow, 'orgId'>;
	directoryEntries!: EntityTable<DirectoryEntryRow, 'providerId'>;
	superseded!: Table<SupersededRow, [string, string]>;
	// Version 3: what the server's list said of each document (issue 20).
	docVersions!: EntityTable<DocVersionRow, 'name'>;

	constructor(name = 'tiertwo') {
		super(name);
		// Version 1: only what the app shell needs. Later issues add tables as new versions.
		this.version(1).stores({
			settings: 'key', // get/put by setting name
			session: 'key' // the one cached session, key 'current'
		});
		// Version 2: the Yjs documents, their read models, pending work and drafts. A read-model
		// table's primary key starts with the id of the document that owns the row (customerId,
		// orgId, document name), so a document's rows are a key range: no `doc` index to maintain.
		this.version(2)
			.stores({
				// ++seq: the cross-tab feed reads rows above the last seq it saw; doc: load and compact
				docUpdates: '++seq, doc',
				documents: 'name', // get by document name; all rows at start (open offline)
				outbox: 'eventId, doc, at', // count (waiting to sync), by doc (acks), list by time
				refused: 'eventId, doc, refusedAt', // list by time, by doc (customer record)
				drafts: 'key, updatedAt', // get by wizard key
				// Customers list: nameKey = filter as you type (startsWith) and sort by name;
				// createdAt = sort by date added
				customers: 'customerId, nameKey, createdAt',
				subscriptions: '[customerId+subscriptionId]', // a customer's subscriptions (prefix)
				// customer record: licenses of a customer (prefix), of a tenant user
				licenses: '[customerId+subscriptionId+tenantUserId], [customerId+tenantUserId]',
				// customer record: a customer's users sorted by name
				tenantUsers: '[customerId+tenantUserId], [customerId+nameKey]',
				// customer record (prefix); a partner's customers (resellerId, providerId)
				customerRelationships: '[customerId+relationshipId], resellerId, providerId',
				orders: '[customerId+orderId]', // a customer's orders (prefix)
				// Indirect providers page (by resellerId), Indirect resellers page (by providerId)
				partnerships: 'doc, providerId, resellerId',
				orgs: 'orgId', // get by orgId (the shell, partner names)
				// User management: users of an org (prefix) and by email (unique email check)
				orgUsers: '[orgId+userId], [orgId+emailKey]',
				invitations: '[orgId+invitationId], status', // an org's invitations (prefix), pending
				enrollment: 'orgId, status', // get by orgId; the program's review list by status
				// find a provider: by country, by region served, by name
				directoryEntries: 'providerId, country, *regionsServed, nameKey',
				superseded: '[doc+eventId]' // a document's refused events (prefix)
			})
			.upgrade(async (tx) => {
				// Local data written from now on belongs to the user signed in on this device.
				const current = await tx.table<SessionRow, string>('session').get('current');
				if (current) {
					await tx.table<SettingRow, string>('settings').put({
						key: DATA_OWNER_SETTING,
						value: current.user.id
					});
				}
			});
		// Version 3: per document, the server version this device holds all of (what a reload
		// need not sync again).
		this.version(3).stores({
			docVersions: 'name' // all rows at start: which listed documents are behind
		});
		// Version 4: an org's links are its invitations document's (`invitations/<orgId>`), no longer
		// its org document's: the rows that document wrote would be no document's to update.
		this.version(4)
			.stores({})
			.upgrade(async (tx) => {
				await tx
					.table<InvitationRow, [string, string]>('invitations')
					.filter((row) => row.doc.startsWith('org/'))
					.delete();
			});
	}
}
