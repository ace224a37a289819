import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDatabase, DATA_OWNER_SETTING } from '$lib/db/app-database';

let names: string[] = [];
function uniqueName(): string {
	const name = `upgrade-${names.length}-${Math.random().toString(36).slice(2)}`;
	names.push(name);
	return name;
}

afterEach(async () => {
	await Promise.all(names.map((name) => Dexie.delete(name)));
	names = [];
});

/** Version 1 exactly as released (a released version is never edited). */
function openVersion1(name: string) {
	const v1 = new Dexie(name);
	v1.version(1).stores({ settings: 'key', session: 'key' });
	return v1;
}

/** Versions 2 and 3 exactly as released (their tables; version 2's upgrade needs no data here). */
function openVersion3(name: string) {
	const v3 = new Dexie(name);
	v3.version(1).stores({ settings: 'key', session: 'key' });
	v3.version(2).stores({
		docUpdates: '++seq, doc',
		documents: 'name',
		outbox: 'eventId, doc, at',
		refused: 'eventId, doc, refusedAt',
		drafts: 'key, updatedAt',
		customers: 'customerId, nameKey, createdAt',
		subscriptions: '[customerId+subscriptionId]',
		licenses: '[customerId+subscriptionId+tenantUserId], [customerId+tenantUserId]',
		tenantUsers: '[customerId+tenantUserId], [customerId+nameKey]',
		customerRelationships: '[customerId+relationshipId], resellerId, providerId',
		orders: '[customerId+orderId]',
		partnerships: 'doc, providerId, resellerId',
		orgs: 'orgId',
		orgUsers: '[orgId+userId], [orgId+emailKey]',
		invitations: '[orgId+invitationId], status',
		enrollment: 'orgId, status',
		directoryEntries: 'providerId, country, *regionsServed, nameKey',
		superseded: '[doc+eventId]'
	});
	v3.version(3).stores({ docVersions: 'name' });
	return v3;
}

const session = {
	key: 'current',
	user: {
		id: 'alice',
		email: 'alice@contoso.example',
		fullName: 'Alice Example',
		orgId: 'contoso',
		orgKind: 'indirectReseller',
		orgName: 'Contoso',
		mustChangePassword: false
	},
	accessExpiresAt: 1_750_000_900_000,
	confirmedAt: 1_750_000_000_000
};

describe('schema upgrades', () => {
	it('opens a version 1 database at the current version keeping settings and the cached session', async () => {
		const name = uniqueName();
		const v1 = openVersion1(name);
		await v1.table('settings').put({ key: 'storagePersistence', value: 'granted' });
		await v1.table('session').put(session);
		v1.close();

		const db = new AppDatabase(name);
		await db.open();
		expect(db.verno).toBe(4);
		expect(await db.settings.get('storagePersistence')).toEqual({
			key: 'storagePersistence',
			value: 'granted'
		});
		expect(await db.session.get('current')).toEqual(session);
		db.close();
	});

	it('records the cached session user as the owner of the local data when upgrading', async () => {
		const name = uniqueName();
		const v1 = openVersion1(name);
		await v1.table('session').put(session);
		v1.close();

		const db = new AppDatabase(name);
		expect(await db.settings.get(DATA_OWNER_SETTING)).toEqual({
			key: DATA_OWNER_SETTING,
			value: 'alice'
		});
		db.close();
	});

	it('upgrades a version 1 database without a session and names no owner', async () => {
		const name = uniqueName();
		const v1 = openVersion1(name);
		await v1.table('settings').put({ key: 'locale', value: 'ja' });
		v1.close();

		const db = new AppDatabase(name);
		expect(await db.settings.get(DATA_OWNER_SETTING)).toBeUndefined();
		expect(await db.customers.count()).toBe(0);
		db.close();
	});

	it('drops the link rows org documents wrote before links had a document of their own', async () => {
		const name = uniqueName();
		const released = openVersion3(name);
		const row = (doc: string, invitationId: string) => ({
			doc,
			orgId: 'contoso',
			invitationId,
			kind: 'customer',
			providerId: null,
			status: 'pending',
			expiresAt: 1_800_000_000_000,
			redeemedBy: null,
			recipient: null,
			createdAt: '2026-12-01T00:00:00.000Z',
			closedAt: null
		});
		await released
			.table('invitations')
			.bulkPut([row('org/contoso', 'inv-old'), row('invitations/contoso', 'inv-new')]);
		released.close();

		const db = new AppDatabase(name);
		await db.open();
		expect((await db.invitations.toArray()).map((r) => r.invitationId)).toEqual(['inv-new']);
		db.close();
	});

	it('creates a fresh database at version 4 with every table and index the pages query', async () => {
		const db = new AppDatabase(uniqueName());
		await db.open();
		const tables = Object.fromEntries(
			db.tables.map((table) => [
				table.name,
				[table.schema.primKey.src, ...table.schema.indexes.map((index) => index.src)]
			])
		);
		expect(tables.customers).toEqual(['customerId', 'nameKey', 'createdAt']);
		expect(tables.subscriptions).toEqual(['[customerId+subscriptionId]']);
		expect(tables.orgUsers).toEqual(['[orgId+userId]', '[orgId+emailKey]']);
		expect(tables.directoryEntries).toContain('*regionsServed');
		expect(tables.docVersions).toEqual(['name']);
		expect(Object.keys(tables).sort()).toEqual(
			[
				'settings',
				'session',
				'docUpdates',
				'documents',
				'docVersions',
				'outbox',
				'refused',
				'drafts',
				'customers',
				'subscriptions',
				'licenses',
				'tenantUsers',
				'customerRelationships',
				'orders',
				'partnerships',
				'orgs',
				'orgUsers',
				'invitations',
				'enrollment',
				'directoryEntries',
				'superseded'
			].sort()
		);
		db.close();
	});
});
