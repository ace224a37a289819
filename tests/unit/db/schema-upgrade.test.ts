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
		expect(db.verno).toBe(3);
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

	it('creates a fresh database at version 3 with every table and index the pages query', async () => {
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
