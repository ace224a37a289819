// Which pages each kind of organization and each role opens, from the one access table: the menu,
// the Dashboard's links and the guard on direct URLs all come from `pageAccess`, so none of them can
// offer a page another refuses.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	capabilitiesOf,
	DOCUMENT_READERS,
	ROLES,
	type Capability,
	type Role
} from '$lib/domain/permissions';
import { ORG_KINDS, type OrgKind } from '$lib/domain/rules';
import {
	dashboardLinks,
	mayOpenPage,
	menuEntries,
	pageAccess,
	pageOf,
	PAGES,
	viewerOf,
	type PagePath,
	type PageRule,
	type Viewer
} from '$lib/ui/page-access';

const viewer = (orgKind: OrgKind, roles: readonly Role[], orgId = 'contoso'): Viewer =>
	viewerOf({ orgKind, orgId }, { known: true, capabilities: capabilitiesOf(roles) });

const PATHS = Object.keys(PAGES) as PagePath[];
const menuPaths = (v: Viewer) =>
	menuEntries(v).flatMap((e) => [e.path, ...e.children.map((c) => c.path)]);
const openPaths = (v: Viewer) => PATHS.filter((p) => mayOpenPage(v, p));

/** Each role alone, plus the demo admins' Global admin and Admin agent together. */
const ROLE_SETS: readonly (readonly Role[])[] = [
	...ROLES.map((role) => [role]),
	['globalAdmin', 'adminAgent'],
	[]
];

describe('one decision for the menu, the Dashboard and direct URLs', () => {
	for (const orgKind of ORG_KINDS) {
		for (const roles of ROLE_SETS) {
			it(`agrees for a ${orgKind} with ${roles.join('+') || 'no roles'}`, () => {
				const v = viewer(orgKind, roles);
				for (const page of menuPaths(v)) expect(pageAccess(v, page).open, page).toBe(true);
				for (const page of dashboardLinks(v)) {
					expect(pageAccess(v, page).open, page).toBe(true);
					expect(menuPaths(v), page).toContain(page);
				}
				for (const page of PATHS) {
					const rule: PageRule = PAGES[page];
					if (rule.menu && pageAccess(v, page).open) expect(menuPaths(v)).toContain(page);
					if (!pageAccess(v, page).open) {
						expect(pageAccess(v, `${page}/some-record`).open, `${page} below`).toBe(false);
					}
				}
			});
		}
	}
});

describe('pages by kind of organization (Global admin)', () => {
	const admin = (orgKind: OrgKind) => openPaths(viewer(orgKind, ['globalAdmin']));

	it.each([
		[
			'indirectReseller',
			[
				'/',
				'/customers',
				'/indirect-providers',
				'/partnerships',
				'/enrollment',
				'/settings',
				'/settings/user-management',
				'/pending-changes',
				'/enroll',
				'/enroll/verify'
			]
		],
		[
			'indirectProvider',
			[
				'/',
				'/customers',
				'/indirect-resellers',
				'/partnerships',
				'/settings',
				'/settings/user-management',
				'/pending-changes',
				'/enroll/verify'
			]
		],
		[
			'customer',
			[
				'/',
				'/organization',
				'/settings',
				'/settings/user-management',
				'/pending-changes',
				'/enroll/verify'
			]
		],
		[
			'programOperator',
			[
				'/',
				'/enrollment-review',
				'/mailbox',
				'/add-indirect-provider',
				'/settings',
				'/settings/user-management',
				'/pending-changes',
				'/enroll/verify'
			]
		]
	] as const)('gives a %s its pages', (orgKind, pages) => {
		expect(admin(orgKind)).toEqual(pages);
	});

	it('refuses a reseller Indirect resellers and the program pages for its kind, pointing to its own side', () => {
		const reseller = viewer('indirectReseller', ['globalAdmin']);
		expect(pageAccess(reseller, '/indirect-resellers')).toEqual({
			open: false,
			page: '/indirect-resellers',
			reason: 'orgKind',
			orgKinds: ['indirectProvider'],
			instead: '/indirect-providers'
		});
		for (const page of ['/add-indirect-provider', '/enrollment-review', '/enrollment-review/x']) {
			expect(pageAccess(reseller, page)).toMatchObject({
				open: false,
				reason: 'orgKind',
				orgKinds: ['programOperator'],
				instead: null
			});
		}
	});

	it('offers the way instead only when the roles open it', () => {
		const helpdesk = viewer('indirectProvider', ['helpdeskAgent']);
		expect(pageAccess(helpdesk, '/organization')).toMatchObject({ instead: '/customers' });
		const billing = viewer('indirectProvider', ['billingAdmin']);
		expect(pageAccess(billing, '/organization')).toMatchObject({ instead: null });
	});

	it('opens a customer its own record (its tenant), not another customer’s or the list', () => {
		const wingtip = viewer('customer', ['globalAdmin'], 'wingtip');
		expect(mayOpenPage(wingtip, '/customers/wingtip')).toBe(true);
		expect(mayOpenPage(wingtip, '/customers/wingtip/')).toBe(true);
		expect(mayOpenPage(wingtip, '/customers/relecloud')).toBe(false);
		expect(mayOpenPage(wingtip, '/customers')).toBe(false);
		expect(mayOpenPage(viewer('indirectReseller', ['globalAdmin']), '/customers/wingtip')).toBe(
			true
		);
	});
});

describe('pages by role (an indirect reseller)', () => {
	const reseller = (roles: Role[]) => openPaths(viewer('indirectReseller', roles));

	it.each([
		// Sales agents invite customers with a provider from Indirect providers (GLOSSARY: Sales agent).
		[['salesAgent'], ['/', '/customers', '/indirect-providers', '/enrollment', '/settings']],
		[
			['adminAgent'],
			['/', '/customers', '/indirect-providers', '/partnerships', '/enrollment', '/settings']
		],
		[['helpdeskAgent'], ['/', '/customers', '/enrollment', '/settings']],
		[['billingAdmin'], ['/', '/enrollment', '/settings']],
		[
			['userManagementAdmin'],
			[
				'/',
				'/indirect-providers',
				'/partnerships',
				'/enrollment',
				'/settings',
				'/settings/user-management'
			]
		],
		[[], ['/', '/enrollment', '/settings']]
	] as [Role[], string[]][])('gives %j its pages', (roles, pages) => {
		expect(
			reseller(roles).filter((p) => p !== '/pending-changes' && p !== '/enroll/verify')
		).toEqual(pages);
	});

	it('names the roles that would open a refused page', () => {
		expect(
			pageAccess(viewer('indirectReseller', ['salesAgent']), '/settings/user-management/add')
		).toEqual({
			open: false,
			page: '/settings/user-management',
			reason: 'roles',
			roles: ['globalAdmin', 'userManagementAdmin']
		});
	});

	it('lets only who may enroll start an enrollment while signed in', () => {
		expect(mayOpenPage(viewer('indirectReseller', ['globalAdmin']), '/enroll/wizard')).toBe(true);
		expect(mayOpenPage(viewer('indirectReseller', ['adminAgent']), '/enroll/wizard')).toBe(false);
		expect(mayOpenPage(viewer('indirectProvider', ['globalAdmin']), '/enroll')).toBe(false);
		expect(mayOpenPage(viewer('programOperator', ['adminAgent']), '/enroll/verify')).toBe(true);
	});
});

describe('the program operator', () => {
	const program = (roles: Role[]) => viewer('programOperator', roles, 'program');

	it('opens enrollment review and the Mailbox to reviewers, adding providers to directory managers', () => {
		expect(menuPaths(program(['adminAgent']))).toEqual([
			'/',
			'/enrollment-review',
			'/mailbox',
			'/settings'
		]);
		expect(menuPaths(program(['accountAdmin']))).toEqual([
			'/',
			'/add-indirect-provider',
			'/settings'
		]);
		expect(pageAccess(program(['billingAdmin']), '/enrollment-review/contoso')).toMatchObject({
			reason: 'roles',
			roles: ['globalAdmin', 'adminAgent']
		});
	});
});

describe('a user the device does not know yet, or no longer counts', () => {
	it('decides nothing by role until the roles are known, and never shows the page meanwhile', () => {
		const loading = viewerOf(
			{ orgKind: 'indirectProvider', orgId: 'northwind' },
			{ known: false, capabilities: capabilitiesOf(['globalAdmin']) }
		);
		expect(pageAccess(loading, '/indirect-resellers')).toMatchObject({
			open: false,
			reason: 'unknown'
		});
		expect(mayOpenPage(loading, '/settings')).toBe(true);
		expect(menuPaths(loading)).toEqual(['/', '/settings']);
		// The kind alone already refuses.
		expect(pageAccess(loading, '/indirect-providers')).toMatchObject({ reason: 'orgKind' });
	});

	it('decides nothing by kind before the server knows the org’s profile', () => {
		const unknown = viewerOf(
			{ orgKind: 'unknown', orgId: 'new-org' },
			{ known: true, capabilities: capabilitiesOf(['globalAdmin']) }
		);
		expect(pageAccess(unknown, '/enroll/wizard')).toMatchObject({ open: false, reason: 'unknown' });
		expect(mayOpenPage(unknown, '/settings')).toBe(true);
	});

	it('gives a disabled user (no live roles) only the pages every user has', () => {
		// my-roles reports no roles for a disabled or removed user (isUserLive).
		const disabled = viewer('indirectProvider', []);
		expect(menuPaths(disabled)).toEqual(['/', '/settings']);
		expect(dashboardLinks(disabled)).toEqual(['/settings']);
	});
});

describe('the table and the app', () => {
	it('has a rule for every page of the signed-in shell and of enrollment', () => {
		const root = path.resolve(import.meta.dirname, '../../../src/routes');
		const routes = (dir: string, prefix: string): string[] =>
			readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
				if (entry.isFile() && entry.name === '+page.svelte') return [prefix || '/'];
				if (!entry.isDirectory()) return [];
				const segment = entry.name.startsWith('(')
					? ''
					: `/${entry.name.replace(/^\[(.*)\]$/, 'x')}`;
				return routes(path.join(dir, entry.name), prefix + segment);
			});
		const shell = routes(path.join(root, '(app)'), '');
		const enroll = routes(path.join(root, 'enroll'), '/enroll');
		expect(shell.length).toBeGreaterThan(15);
		for (const route of [...shell, ...enroll]) expect(pageOf(route), route).not.toBeNull();
	});

	it('opens a page only with capabilities that also open its documents on the server', () => {
		// Each page shows documents of one kind: reads follow roles, or the page would open empty.
		const shows = {
			'/customers': 'customer',
			'/organization': 'customer',
			'/indirect-providers': 'partnership',
			'/indirect-resellers': 'partnership',
			'/partnerships': 'partnership'
		} as const;
		for (const [page, kind] of Object.entries(shows)) {
			const readers = DOCUMENT_READERS[kind] ?? [];
			const needed: readonly Capability[] = PAGES[page as keyof typeof shows].capabilities;
			for (const capability of needed) {
				expect(readers, `${page} by ${capability}`).toContain(capability);
			}
		}
	});

	it('offers a Billing admin only pages every user of its org has', () => {
		for (const orgKind of ORG_KINDS) {
			const billing = viewer(orgKind, ['billingAdmin']);
			for (const page of dashboardLinks(billing)) {
				expect(PAGES[page].capabilities, `${orgKind} ${page}`).toHaveLength(0);
			}
		}
	});
});
