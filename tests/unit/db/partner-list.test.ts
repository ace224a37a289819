// The partner pages' reads: an org's partnerships on its side only, partner names from what the
// device knows (org documents, the directory, names seen before), shared customers, superseded events.
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { rememberOrgNames } from '$lib/db/names';
import { partnerListData } from '$lib/db/partner-list';
import type { PartnershipRow } from '$lib/db/read-models/partnerships';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`partners-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

function partnership(providerId: string, resellerId: string, status: string): PartnershipRow {
	return {
		doc: `partnership/${providerId}/${resellerId}`,
		providerId,
		resellerId,
		status,
		adminAccess: status === 'authorized',
		invitationId: 'i1',
		expiresAt: 1,
		invitedAt: null,
		authorizedAt: null,
		closedAt: null
	};
}

describe('partner list reads', () => {
	beforeEach(async () => {
		await db.partnerships.bulkPut([
			partnership('northwind', 'contoso', 'authorized'),
			partnership('northwind', 'adatum', 'invited'),
			partnership('fabrikam', 'adatum', 'ended')
		]);
		await db.superseded.put({
			doc: 'partnership/northwind/adatum',
			eventId: 'e1',
			type: 'partnership.revoked',
			code: 'error_partnership_authorized',
			at: '000000000000001-00000-x',
			byUserId: 'northwind-admin',
			byOrgId: 'northwind'
		});
	});

	it("reads only the partnerships on the org's own side, with their superseded events", async () => {
		const data = await partnerListData(db, 'provider', 'northwind');
		expect(data.partnerships.map((p) => p.resellerId).sort()).toEqual(['adatum', 'contoso']);
		expect(data.superseded.map((row) => row.eventId)).toEqual(['e1']);
		const reseller = await partnerListData(db, 'reseller', 'adatum');
		expect(reseller.partnerships.map((p) => p.providerId).sort()).toEqual([
			'fabrikam',
			'northwind'
		]);
	});

	it('names a partner from names seen before, the directory, then its org document', async () => {
		await rememberOrgNames(
			db,
			'northwind',
			new Map([['adatum', { name: 'Adatum (seen before)', country: 'US' }]])
		);
		expect((await partnerListData(db, 'provider', 'northwind')).orgs.get('adatum')?.name).toBe(
			'Adatum (seen before)'
		);
		// Another org's device data does not see them.
		expect((await partnerListData(db, 'provider', 'fabrikam')).orgs.has('adatum')).toBe(false);
		await db.orgs.put({
			orgId: 'adatum',
			kind: 'indirectReseller',
			legalName: 'Adatum Solutions',
			address: null,
			country: 'CA',
			mpnId: null,
			primaryContact: null,
			support: null,
			tenant: null,
			alreadyEnrolledInCsp: true,
			doc: 'org/adatum',
			createdAt: '000000000000001-00000-x'
		});
		expect((await partnerListData(db, 'provider', 'northwind')).orgs.get('adatum')).toEqual({
			name: 'Adatum Solutions',
			country: 'CA'
		});
	});
});
