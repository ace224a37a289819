// Which pages each role opens: read from the capability table, so the menu and the direct-URL
// guard follow a role change without a second list.
import { describe, expect, it } from 'vitest';
import { capabilitiesOf, DOCUMENT_READERS, type Role } from '$lib/domain/permissions';
import {
	mayOpenPage,
	PAGE_CAPABILITIES,
	pageCapabilities,
	pageOrgKinds,
	rolesOpening
} from '$lib/ui/page-access';

const pages = (roles: Role[]) =>
	[
		'/',
		'/customers',
		'/customers/wingtip',
		'/indirect-providers',
		'/indirect-resellers',
		'/settings',
		'/settings/user-management',
		'/settings/user-management/add'
	].filter((path) => mayOpenPage(capabilitiesOf(roles), path));

describe('pages by role', () => {
	it('gives a Sales agent customers and Indirect providers (to invite customers with a provider), not Indirect resellers or User management', () => {
		expect(pages(['salesAgent'])).toEqual([
			'/',
			'/customers',
			'/customers/wingtip',
			'/indirect-providers',
			'/settings'
		]);
	});

	it('adds the partner pages for an Admin agent', () => {
		expect(pages(['adminAgent'])).toEqual([
			'/',
			'/customers',
			'/customers/wingtip',
			'/indirect-providers',
			'/indirect-resellers',
			'/settings'
		]);
	});

	it('opens User management and its sub-pages to user admins only', () => {
		expect(pages(['userManagementAdmin'])).toContain('/settings/user-management/add');
		expect(pages(['billingAdmin'])).toEqual(['/', '/settings']);
		expect(pages(['globalAdmin'])).toHaveLength(8);
		expect(pageCapabilities('/settings/user-management/abc/')).toEqual(['manageUsers']);
	});

	it('names the roles that would open a page', () => {
		expect(rolesOpening('/settings/user-management')).toEqual([
			'globalAdmin',
			'userManagementAdmin'
		]);
		expect(rolesOpening('/')).toEqual([]);
	});
});

describe('pages by kind of organization', () => {
	const admin = capabilitiesOf(['globalAdmin']);
	const open = (orgKind: string) =>
		[
			'/customers',
			'/customers/wingtip',
			'/indirect-providers',
			'/indirect-providers/northwind/customers',
			'/indirect-resellers',
			'/organization',
			'/settings/user-management'
		].filter((path) => mayOpenPage(admin, path, orgKind));

	it('gives a customer its own Organization, not the partner pages', () => {
		expect(open('customer')).toEqual(['/organization', '/settings/user-management']);
	});

	it('opens a customer its own record (its tenant), not another customer’s or the list', () => {
		expect(mayOpenPage(admin, '/customers/wingtip', 'customer', 'wingtip')).toBe(true);
		expect(mayOpenPage(admin, '/customers/wingtip/', 'customer', 'wingtip')).toBe(true);
		expect(mayOpenPage(admin, '/customers/relecloud', 'customer', 'wingtip')).toBe(false);
		expect(mayOpenPage(admin, '/customers', 'customer', 'wingtip')).toBe(false);
		expect(mayOpenPage(admin, '/customers/wingtip', 'indirectReseller', 'wingtip')).toBe(true);
	});

	it('gives partners the partner pages, not Organization', () => {
		for (const kind of ['indirectReseller', 'indirectProvider'])
			expect(open(kind)).not.toContain('/organization');
		expect(open('indirectReseller')).toContain('/indirect-providers/northwind/customers');
	});

	it('decides by roles alone while the org kind is unknown', () => {
		expect(mayOpenPage(admin, '/organization')).toBe(true);
		expect(pageOrgKinds('/customers/wingtip')).toEqual(['indirectProvider', 'indirectReseller']);
		expect(pageOrgKinds('/settings')).toBeNull();
	});
});

describe('pages and the documents the server gives', () => {
	// Each page shows documents of one kind: every capability that opens it must also open those
	// documents on the server (reads follow roles), or the page would open empty.
	const shows = {
		'/customers': 'customer',
		'/organization': 'customer',
		'/indirect-providers': 'partnership',
		'/indirect-resellers': 'partnership',
		'/partnerships': 'partnership'
	} as const;

	it('opens a page only with capabilities that also open its documents', () => {
		for (const [page, kind] of Object.entries(shows)) {
			const readers = DOCUMENT_READERS[kind] ?? [];
			for (const capability of PAGE_CAPABILITIES[page] ?? [])
				expect(readers, `${page} by ${capability}`).toContain(capability);
		}
		expect(Object.keys(PAGE_CAPABILITIES).filter((page) => !page.startsWith('/settings'))).toEqual(
			expect.arrayContaining(Object.keys(shows))
		);
	});

	it('offers a Billing admin no page of documents the server does not give it', () => {
		const billing = capabilitiesOf(['billingAdmin']);
		for (const page of Object.keys(shows))
			expect(mayOpenPage(billing, page, 'indirectReseller'), page).toBe(false);
	});
});
