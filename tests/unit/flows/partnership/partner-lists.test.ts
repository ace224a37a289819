// The partner lists' rules: who is on which side, shared-customer counts, search and sort, what an
// invitation link is now, the link's fragment, and the directory's filters and comparison limit.
import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../../../src/lib/domain/clock';
import {
	directoryRegions,
	filterDirectory,
	invitationLink,
	invitationStatusAt,
	MAX_COMPARED_PROVIDERS,
	partnerRows,
	resellerInvitations,
	searchAndSortPartners,
	toggleCompared,
	tokenFromFragment,
	type DirectoryFacts,
	type OrgFacts,
	type PartnershipFacts
} from '../../../../src/lib/flows/partnership/partner-lists';

const at = (wall: number) => formatHlc({ wall, counter: 0, node: 'test' });

function partnership(
	providerId: string,
	resellerId: string,
	status: string,
	overrides: Partial<PartnershipFacts> = {}
): PartnershipFacts {
	return {
		doc: `partnership/${providerId}/${resellerId}`,
		providerId,
		resellerId,
		status,
		adminAccess: status === 'authorized',
		expiresAt: 10_000,
		invitedAt: at(1_000),
		authorizedAt: status === 'invited' ? null : at(2_000),
		closedAt: null,
		...overrides
	};
}

const orgs = new Map<string, OrgFacts>([
	['contoso', { name: 'Contoso IT Services', country: 'US' }],
	['adatum', { name: 'Adatum Solutions', country: 'CA' }],
	['northwind', { name: 'Northwind Distribution', country: 'US' }]
]);

const relationships = [
	{ resellerId: 'contoso', providerId: 'northwind', status: 'active' },
	{ resellerId: 'contoso', providerId: 'northwind', status: 'active' },
	{ resellerId: 'contoso', providerId: 'northwind', status: 'ended' },
	{ resellerId: 'contoso', providerId: '', status: 'active' },
	{ resellerId: 'adatum', providerId: 'fabrikam', status: 'active' }
];

describe('partner lists', () => {
	const all = [
		partnership('northwind', 'contoso', 'authorized'),
		partnership('northwind', 'adatum', 'invited'),
		partnership('fabrikam', 'adatum', 'ended')
	];

	it("lists a provider's resellers with the customers both share", () => {
		const rows = partnerRows('provider', 'northwind', all, orgs, relationships);
		expect(rows.map((row) => [row.partnerId, row.name, row.status, row.sharedCustomers])).toEqual([
			['contoso', 'Contoso IT Services', 'authorized', 2],
			['adatum', 'Adatum Solutions', 'invited', 0]
		]);
	});

	it("lists a reseller's providers, unnamed when this device does not know them", () => {
		const rows = partnerRows('reseller', 'adatum', all, orgs, relationships);
		expect(rows.map((row) => [row.partnerId, row.name, row.sharedCustomers])).toEqual([
			['northwind', 'Northwind Distribution', 0],
			// an ended partnership shares no customers any more
			['fabrikam', null, 0]
		]);
	});

	it('dates a live partnership from its authorization and a pending one from its invitation', () => {
		const [live, pending] = partnerRows('provider', 'northwind', all, orgs, relationships);
		expect(live?.since).toBe(at(2_000));
		expect(pending?.since).toBe(at(1_000));
	});

	it('searches by name, ignoring case and width', () => {
		const rows = partnerRows('provider', 'northwind', all, orgs, relationships);
		expect(searchAndSortPartners(rows, 'ＡＤＡＴＵＭ', 'name-asc').map((r) => r.partnerId)).toEqual(
			['adatum']
		);
		expect(searchAndSortPartners(rows, 'nobody', 'name-asc')).toEqual([]);
	});

	it('sorts by name, status and shared customers', () => {
		const rows = partnerRows('provider', 'northwind', all, orgs, relationships);
		const ids = (sort: Parameters<typeof searchAndSortPartners>[2]) =>
			searchAndSortPartners(rows, '', sort).map((row) => row.partnerId);
		expect(ids('name-asc')).toEqual(['adatum', 'contoso']);
		expect(ids('name-desc')).toEqual(['contoso', 'adatum']);
		expect(ids('status')).toEqual(['contoso', 'adatum']);
		expect(ids('customers-desc')).toEqual(['contoso', 'adatum']);
		expect(ids('since-desc')).toEqual(['contoso', 'adatum']);
		expect(ids('since-asc')).toEqual(['adatum', 'contoso']);
	});
});

describe('invitation links', () => {
	const invitation = (status: string, expiresAt: number, created: number) => ({
		invitationId: `i${created}`,
		kind: 'reseller',
		status,
		expiresAt,
		createdAt: at(created)
	});

	it('shows a pending link past its expiry as expired', () => {
		expect(invitationStatusAt(invitation('pending', 5_000, 1), 4_999)).toBe('pending');
		expect(invitationStatusAt(invitation('pending', 5_000, 1), 5_001)).toBe('expired');
		expect(invitationStatusAt(invitation('revoked', 5_000, 1), 1)).toBe('revoked');
	});

	it('lists only reseller links, newest first', () => {
		const rows = resellerInvitations(
			[
				invitation('pending', 9_000, 1_000),
				{ ...invitation('pending', 9_000, 3_000), kind: 'customer' },
				invitation('redeemed', 9_000, 2_000)
			],
			0
		);
		expect(rows.map((row) => [row.invitationId, row.displayStatus])).toEqual([
			['i2000', 'redeemed'],
			['i1000', 'pending']
		]);
	});

	it('puts the token in the fragment, which browsers never send to the server', () => {
		const token = 'A'.repeat(43);
		const link = invitationLink('https://app.example', token);
		expect(link).toBe(`https://app.example/invitation#${token}`);
		expect(new URL(link).hash).toBe(`#${token}`);
		expect(tokenFromFragment(new URL(link).hash)).toBe(token);
	});

	it('refuses a fragment that is not a well-formed token', () => {
		expect(tokenFromFragment('')).toBeNull();
		expect(tokenFromFragment('#short')).toBeNull();
		expect(tokenFromFragment(`#${'a'.repeat(30)}<script>`)).toBeNull();
	});
});

describe('find a provider', () => {
	const entry = (
		providerId: string,
		legalName: string,
		country: string,
		regionsServed: string[],
		offers: DirectoryFacts['offers']
	): DirectoryFacts => ({ providerId, legalName, country, regionsServed, offers });
	const directory = [
		entry('northwind', 'Northwind Distribution', 'US', ['US', 'CA'], {
			technicalTraining: true,
			marketingHelp: true,
			financing: false
		}),
		entry('fabrikam', 'Fabrikam Distribution', 'US', ['US', 'MX'], {
			technicalTraining: true,
			marketingHelp: false,
			financing: true
		}),
		entry('litware', 'Litware Supply', 'JP', [], {
			technicalTraining: false,
			marketingHelp: false,
			financing: false
		})
	];
	const ids = (rows: DirectoryFacts[]) => rows.map((row) => row.providerId);

	it('filters by a region the provider is in or serves', () => {
		expect(ids(filterDirectory(directory, { query: '', region: 'CA', offers: [] }))).toEqual([
			'northwind'
		]);
		expect(ids(filterDirectory(directory, { query: '', region: 'JP', offers: [] }))).toEqual([
			'litware'
		]);
	});

	it('keeps only providers offering everything asked for', () => {
		expect(
			ids(filterDirectory(directory, { query: '', region: '', offers: ['technicalTraining'] }))
		).toEqual(['fabrikam', 'northwind']);
		expect(
			ids(
				filterDirectory(directory, {
					query: '',
					region: '',
					offers: ['technicalTraining', 'financing']
				})
			)
		).toEqual(['fabrikam']);
	});

	it('searches by name', () => {
		expect(ids(filterDirectory(directory, { query: 'north', region: '', offers: [] }))).toEqual([
			'northwind'
		]);
	});

	it('offers every country/region a provider is in or serves', () => {
		expect(directoryRegions(directory)).toEqual(['CA', 'JP', 'MX', 'US']);
	});

	it(`compares at most ${MAX_COMPARED_PROVIDERS} providers and lets one go again`, () => {
		let selected: string[] = [];
		for (const id of ['a', 'b', 'c', 'd']) selected = toggleCompared(selected, id);
		expect(selected).toEqual(['a', 'b', 'c']);
		expect(toggleCompared(selected, 'b')).toEqual(['a', 'c']);
	});
});
