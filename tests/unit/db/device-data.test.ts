import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase, DATA_OWNER_SETTING } from '$lib/db/app-database';
import { claimDeviceData, clearDeviceData, exportPendingWork } from '$lib/db/device-data';
import type { OutboxRow } from '$lib/db/local-records';
import { isDelivered, markDelivered } from '$lib/db/outbox';
import { CUSTOMER_DOC, RESELLER, eventFactory } from './customer-events';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`device-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

function pending(eventId: string, clientId: number, clock: number): OutboxRow {
	const event = eventFactory('o')('tenantUser.removed', RESELLER, { tenantUserId: 'tu-1' });
	return {
		eventId,
		doc: CUSTOMER_DOC,
		clientId,
		clock,
		event: { ...event, id: eventId },
		summary: { key: 'data_summary_tenant_user_removed', params: { name: 'Ann' } },
		at: 1_750_000_000_000
	};
}

describe('pending work', () => {
	it('is delivered once the server state reaches the clock after its insert', async () => {
		expect(isDelivered({ clientId: 7, clock: 3 }, new Map([[7, 3]]))).toBe(true);
		expect(isDelivered({ clientId: 7, clock: 3 }, new Map([[7, 2]]))).toBe(false);
		expect(isDelivered({ clientId: 7, clock: 3 }, new Map([[8, 9]]))).toBe(false);
		await db.outbox.bulkPut([pending('e-1', 7, 1), pending('e-2', 7, 2), pending('e-3', 9, 1)]);
		expect(await markDelivered(db, CUSTOMER_DOC, new Map([[7, 1]]))).toBe(1);
		expect((await db.outbox.toArray()).map((row) => row.eventId)).toEqual(['e-2', 'e-3']);
	});

	it('exports pending, unsaved and refused changes as JSON with their events', async () => {
		await db.outbox.put(pending('e-1', 7, 1));
		const refused = pending('e-2', 7, 2);
		await db.refused.put({
			...refused,
			code: 'error_missing_capability',
			refusedAt: 1_750_000_001_000
		});
		const exported = JSON.parse(await exportPendingWork(db, [pending('e-3', 7, 3)]));
		expect(exported.format).toBe('tiertwo-pending-work');
		expect(exported.pending.map((row: { eventId: string }) => row.eventId)).toEqual(['e-1', 'e-3']);
		expect(exported.refused[0]).toMatchObject({
			eventId: 'e-2',
			reason: 'error_missing_capability'
		});
		expect(exported.pending[0].event.type).toBe('tenantUser.removed');
	});

	it('clears the device data at sign-out but keeps settings and the language', async () => {
		await db.settings.put({ key: 'locale', value: 'ja' });
		await db.outbox.put(pending('e-1', 7, 1));
		await db.docUpdates.add({ doc: CUSTOMER_DOC, update: new Uint8Array([0, 0]) });
		await clearDeviceData(db);
		expect(await db.outbox.count()).toBe(0);
		expect(await db.docUpdates.count()).toBe(0);
		expect(await db.settings.get('locale')).toEqual({ key: 'locale', value: 'ja' });
	});

	it('keeps another user’s unsynced work out of sight and gives it back when they sign in again', async () => {
		expect(await claimDeviceData(db, 'rita')).toBeUndefined();
		await db.outbox.put(pending('e-1', 7, 1));
		await db.customers.put({ customerId: 'x' } as never);

		expect(await claimDeviceData(db, 'bob')).toBeUndefined();
		expect(await db.outbox.count()).toBe(0);
		expect(await db.customers.count()).toBe(0);
		expect((await db.settings.get(DATA_OWNER_SETTING))?.value).toBe('bob');

		const back = await claimDeviceData(db, 'rita');
		expect(back?.pending.map((row) => row.eventId)).toEqual(['e-1']);
		expect(await claimDeviceData(db, 'rita')).toBeUndefined();
	});
});

describe('wizard drafts', () => {
	it('keep a snapshot per key and machine, and are gone once deleted', async () => {
		const { deleteDraft, loadDraft, saveDraft } = await import('$lib/db/drafts');
		await saveDraft(db, 'enrollment', 'enrollment.machine', {
			value: 'legalProfile',
			context: { n: 1 }
		});
		expect(await loadDraft(db, 'enrollment', 'enrollment.machine')).toEqual({
			value: 'legalProfile',
			context: { n: 1 }
		});
		expect(await loadDraft(db, 'enrollment', 'another.machine')).toBeUndefined();
		await deleteDraft(db, 'enrollment');
		expect(await loadDraft(db, 'enrollment', 'enrollment.machine')).toBeUndefined();
	});
});
