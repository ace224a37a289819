// The naming source: orgs and people named from the read models this device holds, in their order
// of authority, and words (both languages) where a name is unknown: never an id.
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppDatabase } from '$lib/db/app-database';
import { knownOrgs, readNames, rememberOrgNames } from '$lib/db/names';
import { Names } from '$lib/i18n/names';
import type { CustomerRelationshipRow } from '$lib/db/read-models/customer-relationships';
import type { OrgRow } from '$lib/db/read-models/orgs';
import { getLocale, overwriteGetLocale } from '$lib/i18n/paraglide/runtime.js';

let db: AppDatabase;
beforeEach(() => {
	db = new AppDatabase(`names-${Math.random().toString(36).slice(2)}`);
});
afterEach(async () => {
	db.close();
	await Dexie.delete(db.name);
});

const orgRow = (orgId: string, legalName: string): OrgRow =>
	({
		orgId,
		kind: 'indirectProvider',
		legalName,
		address: null,
		country: 'US',
		mpnId: null,
		primaryContact: null,
		support: null,
		tenant: null,
		alreadyEnrolledInCsp: true,
		doc: `org/${orgId}`,
		createdAt: '000000000000001-00000-x'
	}) as OrgRow;

const relationship = (fields: Partial<CustomerRelationshipRow>): CustomerRelationshipRow => ({
	doc: 'customer/wingtip',
	customerId: 'wingtip',
	relationshipId: 'rel-1',
	invitationId: 'inv-1',
	resellerId: 'contoso',
	providerId: '',
	resellerName: null,
	providerName: null,
	combined: false,
	status: 'active',
	expiresAt: 1,
	requestedAt: '000000000000001-00000-x',
	answeredAt: null,
	endedAt: null,
	...fields
});

/** A device that knows some orgs and people, each from a different read model. */
async function seedDevice(): Promise<void> {
	await db.orgs.put(orgRow('northwind', 'Northwind Distribution'));
	await db.orgUsers.put({
		doc: 'org/northwind',
		orgId: 'northwind',
		userId: 'northwind-admin',
		email: 'admin@northwind.example',
		emailKey: 'admin@northwind.example',
		fullName: 'Nadia Kowalski',
		roles: ['globalAdmin'],
		status: 'active',
		temporaryPasswordExpiresAt: null,
		addedAt: '000000000000001-00000-x'
	});
	await db.directoryEntries.put({
		providerId: 'fabrikam',
		legalName: 'Fabrikam Distribution',
		country: 'JP',
		regionsServed: ['JP'],
		offers: { technicalTraining: true, marketingHelp: false, financing: false },
		contact: { email: 'partners@fabrikam.example' },
		description: null,
		doc: 'directory',
		nameKey: 'fabrikam distribution',
		publishedAt: '000000000000001-00000-x',
		updatedAt: null
	});
	await db.customers.put({
		customerId: 'wingtip',
		legalName: 'Wingtip Toys',
		country: 'US'
	} as never);
	await db.customerRelationships.put(
		relationship({ resellerId: 'contoso', resellerName: 'Contoso IT Services' })
	);
	// A partnership invitation Litware redeemed: the provider cannot read Litware's org yet.
	await db.partnerships.put({
		doc: 'partnership/northwind/litware',
		providerId: 'northwind',
		resellerId: 'litware',
		status: 'invited',
		adminAccess: false,
		invitationId: 'inv-9',
		expiresAt: 0,
		invitedAt: '000000000000001-00000-x',
		authorizedAt: null,
		closedAt: null,
		providerName: 'Northwind Distribution',
		resellerName: 'Litware Partners'
	});
	await rememberOrgNames(
		db,
		'northwind',
		new Map([['adatum', { name: 'Adatum Solutions', country: 'CA' }]])
	);
}

const IDS = [
	'northwind',
	'northwind-admin',
	'fabrikam',
	'wingtip',
	'contoso',
	'adatum',
	'litware',
	'tailspin'
];

/** No id of an org or a person this test knows appears in `text`. */
function expectNoId(text: string): void {
	for (const id of IDS) expect(text).not.toContain(id);
}

describe('naming orgs and people', () => {
	beforeEach(seedDevice);

	it.each([
		['its org document', 'northwind', 'Northwind Distribution'],
		['the partner directory', 'fabrikam', 'Fabrikam Distribution'],
		['the customers list', 'wingtip', 'Wingtip Toys'],
		["a reseller relationship's request", 'contoso', 'Contoso IT Services'],
		["a partnership's invitation", 'litware', 'Litware Partners'],
		["the names the viewer's org remembered", 'adatum', 'Adatum Solutions']
	])('names a known org from %s', async (_source, orgId, name) => {
		const names = await readNames(db, { orgIds: [orgId], viewerOrgId: 'northwind' });
		expect(names.org(orgId)).toBe(name);
		expect(names.knownOrg(orgId)).toBe(name);
	});

	it('prefers the org document to what others remembered of it', async () => {
		await rememberOrgNames(
			db,
			'fabrikam',
			new Map([['northwind', { name: 'Northwind (old name)', country: 'US' }]])
		);
		const known = await knownOrgs(db, ['northwind'], 'fabrikam');
		expect(known.get('northwind')).toEqual({ name: 'Northwind Distribution', country: 'US' });
	});

	it("keeps one org's remembered names from another org's pages", async () => {
		const names = await readNames(db, { orgIds: ['adatum'], viewerOrgId: 'fabrikam' });
		expect(names.knownOrg('adatum')).toBeUndefined();
	});

	it.each([
		{
			case: 'known person of a known org',
			author: { orgId: 'northwind', userId: 'northwind-admin' },
			person: 'Nadia Kowalski',
			personAt: 'Nadia Kowalski (Northwind Distribution)'
		},
		{
			case: 'unknown person of a known org',
			author: { orgId: 'fabrikam', userId: 'fabrikam-admin' },
			person: 'a user not known on this device',
			personAt: 'a user of Fabrikam Distribution'
		},
		{
			case: 'unknown person of an unknown org',
			author: { orgId: 'tailspin', userId: 'tailspin-admin' },
			person: 'a user not known on this device',
			personAt: 'a user not known on this device'
		}
	])('names a $case', async ({ author, person, personAt }) => {
		const names = await readNames(db, { people: [author] });
		expect(names.person(author)).toBe(person);
		expect(names.personAt(author)).toBe(personAt);
		expectNoId(names.personAt(author));
	});

	it.each([
		['en', 'an organization not known on this device', 'a user not known on this device'],
		['ja', 'このデバイスでは不明な組織', 'このデバイスでは不明なユーザー']
	] as const)(
		'says in words (%s) that an org or a person is unknown, never an id',
		async (locale, org, person) => {
			const before = getLocale();
			overwriteGetLocale(() => locale);
			try {
				const names = await readNames(db, {
					orgIds: ['tailspin'],
					people: [{ orgId: 'tailspin', userId: 'tailspin-admin' }]
				});
				expect(names.org('tailspin')).toBe(org);
				expect(names.person({ orgId: 'tailspin', userId: 'tailspin-admin' })).toBe(person);
				expectNoId(names.org('tailspin'));
			} finally {
				overwriteGetLocale(() => before);
			}
		}
	);

	it('words every lookup of an empty Names (a page before its query answers)', () => {
		const names = new Names();
		expect(names.org('northwind')).toBe('an organization not known on this device');
		expect(names.personAt({ orgId: 'northwind', userId: 'northwind-admin' })).toBe(
			'a user not known on this device'
		);
	});
});
