// The one table of the Partner Dashboard's pages: which kinds of organization have each page and
// which capabilities open it. The menu, the Dashboard's links and the shell's guard on direct URLs
// all ask `pageAccess`, so no part of the app offers a page another part refuses. The sync server
// stays authoritative; this table only keeps the UI from offering what the server would refuse.
import { ROLES, ROLE_CAPABILITIES, type Capability, type Role } from '$lib/domain/permissions';
import { ORG_KINDS, type OrgKind } from '$lib/domain/rules';

export interface PageRule {
	/** the kinds of organization that have the page at all */
	readonly orgKinds: readonly OrgKind[];
	/** any one of these opens it; none: every live user of those kinds */
	readonly capabilities: readonly Capability[];
	/** a menu entry, nested under `parent` when given */
	readonly menu?: boolean;
	readonly parent?: string;
	/** a link on the Dashboard (its home page is a way into each part of the menu) */
	readonly dashboard?: boolean;
	/** where an org refused for its kind finds its own side of the same work */
	readonly instead?: string;
}

const EVERY_KIND = ORG_KINDS;
const PARTNERS: readonly OrgKind[] = ['indirectProvider', 'indirectReseller'];
// Reads follow roles on the server too: each page's capabilities also open the documents it shows
// (DOCUMENT_READERS), or the page would open empty (tests/unit/ui/page-access.test.ts).
const PARTNER_MANAGERS: readonly Capability[] = ['managePartnerships', 'viewPartnerProfiles'];

/**
 * Every page of the signed-in shell, in menu order; a path covers the pages under it unless one of
 * those has its own entry. The program operator's pages follow what its server endpoints check.
 */
export const PAGES = {
	'/': { orgKinds: EVERY_KIND, capabilities: [], menu: true },
	'/customers': {
		orgKinds: PARTNERS,
		capabilities: ['viewCustomers'],
		menu: true,
		dashboard: true,
		instead: '/organization'
	},
	'/organization': {
		orgKinds: ['customer'],
		capabilities: ['viewCustomers', 'respondToRelationships', 'endRelationships'],
		menu: true,
		dashboard: true,
		instead: '/customers'
	},
	// Only a reseller authorizes providers; Sales agents too: they invite customers with a provider.
	'/indirect-providers': {
		orgKinds: ['indirectReseller'],
		capabilities: [...PARTNER_MANAGERS, 'sendInvitations'],
		menu: true,
		dashboard: true,
		instead: '/indirect-resellers'
	},
	// Only a provider has indirect resellers.
	'/indirect-resellers': {
		orgKinds: ['indirectProvider'],
		capabilities: PARTNER_MANAGERS,
		menu: true,
		dashboard: true,
		instead: '/indirect-providers'
	},
	'/partnerships': { orgKinds: PARTNERS, capabilities: PARTNER_MANAGERS },
	// A reseller follows its own application; anyone of it may read the status.
	'/enrollment': { orgKinds: ['indirectReseller'], capabilities: [], menu: true, dashboard: true },
	// The server opens applications and the Mailbox to the program's enrollment reviewers only.
	'/enrollment-review': {
		orgKinds: ['programOperator'],
		capabilities: ['reviewEnrollment'],
		menu: true,
		dashboard: true
	},
	'/mailbox': {
		orgKinds: ['programOperator'],
		capabilities: ['reviewEnrollment'],
		menu: true,
		dashboard: true
	},
	// The server adds a provider for those who manage the program's directory.
	'/add-indirect-provider': {
		orgKinds: ['programOperator'],
		capabilities: ['manageDirectory'],
		menu: true,
		dashboard: true
	},
	'/settings': { orgKinds: EVERY_KIND, capabilities: [], menu: true, dashboard: true },
	'/settings/user-management': {
		orgKinds: EVERY_KIND,
		capabilities: ['manageUsers'],
		menu: true,
		parent: '/settings'
	},
	'/pending-changes': { orgKinds: EVERY_KIND, capabilities: [] },
	// Outside the shell: open to a visitor with no session (they create or sign in to a work account
	// there); signed in, only a reseller's users who may enroll it. The emailed verification link is
	// for the primary contact, whoever is signed in on the device that opens it.
	'/enroll': { orgKinds: ['indirectReseller'], capabilities: ['enroll'] },
	'/enroll/verify': { orgKinds: EVERY_KIND, capabilities: [] }
} as const satisfies Readonly<Record<string, PageRule>>;

export type PagePath = keyof typeof PAGES;
/** The pages the menu or the Dashboard link to (each one a route of its own). */
export type LinkedPage = {
	[P in PagePath]: (typeof PAGES)[P] extends { menu: true } | { dashboard: true } ? P : never;
}[PagePath];

const PAGE_PATHS = Object.keys(PAGES) as PagePath[];
const ruleOf = (path: PagePath): PageRule => PAGES[path];
const isLinked = (path: PagePath): path is LinkedPage =>
	ruleOf(path).menu === true || ruleOf(path).dashboard === true;

/** Who is looking: the session's org, and the capabilities of the user's live roles. */
export interface Viewer {
	/** undefined without a session (signing in or out): nothing is decided then */
	readonly orgKind: string | undefined;
	readonly orgId: string;
	/** none once the user is disabled or removed; undefined until this device knows the roles */
	readonly capabilities: ReadonlySet<Capability> | undefined;
}

export type PageDecision =
	| { readonly open: true; readonly page: PagePath | null }
	/** roles not known yet on this device: neither shown nor refused */
	| { readonly open: false; readonly page: PagePath; readonly reason: 'unknown' }
	| {
			readonly open: false;
			readonly page: PagePath;
			readonly reason: 'orgKind';
			readonly orgKinds: readonly OrgKind[];
			/** the org's own side of the same work, when it may open it */
			readonly instead: LinkedPage | null;
	  }
	| {
			readonly open: false;
			readonly page: PagePath;
			readonly reason: 'roles';
			/** roles any one of which would open it */
			readonly roles: readonly Role[];
	  };

function normalize(pathname: string): string {
	return pathname.replace(/\/+$/, '') || '/';
}

/** The table entry a path falls under (its own or its closest listed parent), or null. */
export function pageOf(pathname: string): PagePath | null {
	let path = normalize(pathname);
	while (path) {
		if (path in PAGES) return path as PagePath;
		path = path.slice(0, path.lastIndexOf('/'));
	}
	return null;
}

/** A customer's own record (`/customers/<its id>`): its tenant, which it manages itself too. */
function isOwnCustomerRecord(pathname: string, viewer: Viewer): boolean {
	return (
		viewer.orgKind === 'customer' &&
		normalize(pathname) === `/customers/${encodeURIComponent(viewer.orgId)}`
	);
}

function isPagePath(path: string | undefined): path is PagePath {
	return path !== undefined && path in PAGES;
}

/** Roles any one of which opens a page of this rule. */
function rolesOpening(rule: PageRule): Role[] {
	return ROLES.filter((role) =>
		rule.capabilities.some((capability) => ROLE_CAPABILITIES[role].includes(capability))
	);
}

/** Whether the viewer may open `pathname`, and if not, why (for the refusal shown instead). */
export function pageAccess(viewer: Viewer, pathname: string): PageDecision {
	return decide(viewer, pathname, true);
}

function decide(viewer: Viewer, pathname: string, withInstead: boolean): PageDecision {
	const page = pageOf(pathname);
	if (!page) return { open: true, page };
	const rule = ruleOf(page);
	const everyKind = rule.orgKinds.length === ORG_KINDS.length;
	if (viewer.orgKind === undefined && !everyKind) return { open: false, page, reason: 'unknown' };
	if (
		!everyKind &&
		!rule.orgKinds.includes(viewer.orgKind as OrgKind) &&
		!isOwnCustomerRecord(pathname, viewer)
	) {
		const instead = isPagePath(rule.instead) && isLinked(rule.instead) ? rule.instead : null;
		return {
			open: false,
			page,
			reason: 'orgKind',
			orgKinds: rule.orgKinds,
			instead: withInstead && instead && decide(viewer, instead, false).open ? instead : null
		};
	}
	if (rule.capabilities.length === 0) return { open: true, page };
	if (!viewer.capabilities) return { open: false, page, reason: 'unknown' };
	const { capabilities } = viewer;
	if (rule.capabilities.some((capability) => capabilities.has(capability))) {
		return { open: true, page };
	}
	return { open: false, page, reason: 'roles', roles: rolesOpening(rule) };
}

export function mayOpenPage(viewer: Viewer, pathname: string): boolean {
	return pageAccess(viewer, pathname).open;
}

export interface MenuEntry {
	readonly path: LinkedPage;
	readonly children: readonly MenuEntry[];
}

/** The menu: the table's menu pages this viewer may open, sub-pages under an open parent. */
export function menuEntries(viewer: Viewer): MenuEntry[] {
	const shown = PAGE_PATHS.filter(isLinked).filter(
		(path) => ruleOf(path).menu && mayOpenPage(viewer, path)
	);
	return shown
		.filter((path) => !ruleOf(path).parent)
		.map((path) => ({
			path,
			children: shown
				.filter((child) => ruleOf(child).parent === path)
				.map((child) => ({ path: child, children: [] }))
		}));
}

/** The Dashboard's links: the table's Dashboard pages this viewer may open, in menu order. */
export function dashboardLinks(viewer: Viewer): LinkedPage[] {
	return PAGE_PATHS.filter(isLinked).filter(
		(path) => ruleOf(path).dashboard && mayOpenPage(viewer, path)
	);
}

/** Whether a page opens by role (not to every user of the kinds that have it). */
export function opensByRole(path: PagePath): boolean {
	return ruleOf(path).capabilities.length > 0;
}

/**
 * The viewer of a session: `roles` is the live-roles read model (src/lib/sync/my-roles.svelte.ts,
 * none once the user is disabled), whose capabilities count only once this device knows them.
 */
export function viewerOf(
	user: { readonly orgKind: string; readonly orgId: string } | undefined | null,
	roles: { readonly known: boolean; readonly capabilities: ReadonlySet<Capability> }
): Viewer {
	const kind = user?.orgKind;
	return {
		// the server says 'unknown' while it has no profile for the org yet
		orgKind:
			kind !== undefined && (ORG_KINDS as readonly string[]).includes(kind) ? kind : undefined,
		orgId: user?.orgId ?? '',
		capabilities: roles.known ? roles.capabilities : undefined
	};
}
