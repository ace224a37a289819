// Which read-model tables each document kind fills, and the rows a projection gives each of them.
import type { Collection, Table } from 'dexie';
import { documentName, type DocumentKind, type DocumentRef } from '$lib/domain/documents';
import type { DocumentProjection } from '$lib/flows/documents/document-state';
import { customerRelationshipRows } from './customer-relationships';
import { customerRows } from './customers';
import { directoryEntryRows } from './directory-entries';
import { enrollmentRows } from './enrollment';
import { invitationRows } from './invitations';
import { licenseRows } from './licenses';
import { orderRows } from './orders';
import { orgUserRows } from './org-users';
import { orgRows } from './orgs';
import { partnershipRows } from './partnerships';
import { subscriptionRows } from './subscriptions';
import { supersededRows } from './superseded';
import { tenantUserRows } from './tenant-users';

export const READ_MODEL_TABLES_BY_KIND = {
	customer: [
		'customers',
		'subscriptions',
		'licenses',
		'tenantUsers',
		'customerRelationships',
		'orders',
		'superseded'
	],
	org: ['orgs', 'orgUsers', 'enrollment', 'superseded'],
	invitations: ['invitations', 'superseded'],
	partnership: ['partnerships', 'superseded'],
	directory: ['directoryEntries', 'superseded']
} as const satisfies Record<DocumentKind, readonly string[]>;

export type ReadModelTable = (typeof READ_MODEL_TABLES_BY_KIND)[DocumentKind][number];

export const READ_MODEL_TABLES: readonly ReadModelTable[] = [
	...new Set(Object.values(READ_MODEL_TABLES_BY_KIND).flat())
];

/** Every row a document's projection puts in the read models, per table (complete, not a diff). */
export type ReadModelRows = Partial<Record<ReadModelTable, object[]>>;

export function readModelRows(state: DocumentProjection, doc: string): ReadModelRows {
	switch (state.kind) {
		case 'customer':
			return {
				customers: customerRows(state, doc),
				subscriptions: subscriptionRows(state, doc),
				licenses: licenseRows(state, doc),
				tenantUsers: tenantUserRows(state, doc),
				customerRelationships: customerRelationshipRows(state, doc),
				orders: orderRows(state, doc),
				superseded: supersededRows(state, doc)
			};
		case 'org':
			return {
				orgs: orgRows(state, doc),
				orgUsers: orgUserRows(state, doc),
				enrollment: enrollmentRows(state, doc),
				superseded: supersededRows(state, doc)
			};
		case 'invitations':
			return {
				invitations: invitationRows(state, doc),
				superseded: supersededRows(state, doc)
			};
		case 'partnership':
			return {
				partnerships: partnershipRows(state, doc),
				superseded: supersededRows(state, doc)
			};
		case 'directory':
			return {
				directoryEntries: directoryEntryRows(state, doc),
				superseded: supersededRows(state, doc)
			};
	}
}

/** The id a row's first key part holds for document `ref`, by that key part's name. */
function ownerId(field: string, ref: DocumentRef): string | null {
	if (field === 'doc') return documentName(ref);
	if (field === 'customerId' && ref.kind === 'customer') return ref.customerId;
	if (field === 'orgId' && (ref.kind === 'org' || ref.kind === 'invitations')) return ref.orgId;
	return null;
}

/**
 * The rows of `table` that belong to document `ref`: a primary-key range (every read-model key
 * starts with the owning document's id), so no `doc` index has to be written with every row.
 */
export function documentRows(table: Table, ref: DocumentRef): Collection {
	if (ref.kind === 'directory' && table.name === 'directoryEntries') return table.toCollection();
	const keyPath = table.schema.primKey.keyPath;
	const parts = Array.isArray(keyPath) ? keyPath : [keyPath as string];
	const owner = ownerId(parts[0] as string, ref);
	if (owner === null) {
		throw new RangeError(`${table.name} rows do not belong to ${ref.kind} documents`);
	}
	if (parts.length === 1) return table.where(':id').equals(owner);
	// Every key part is a string: [owner] sorts before all [owner, …] keys, and [owner, []] after
	// them (arrays sort after strings).
	return table.where(`[${parts.join('+')}]`).between([owner], [owner, []], true, true);
}
