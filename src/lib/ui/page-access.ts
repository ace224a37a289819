// Which capabilities open which page of the Partner Dashboard (any one of them is enough), and which
// kinds of organization have the page at all, read by the menu and by the shell's guard on direct
// URLs. Pages not listed are open to every user.
import { ROLES, ROLE_CAPABILITIES, type Capability, type Role } from '$lib/domain/permissions';
import type { OrgKind } from '$lib/domain/rules';

export const PAGE_CAPABILITIES: Readonly<Record<string, readonly Capability[]>> = {
	'/customers': ['viewCustomers'],
	// Sales agents too: they invite customers with a provider from there (GLOSSARY: Sales agent).
	'/indirect-providers': ['managePartnerships', 'viewPartnerProfiles', 'sendInvitations'],
	'/indirect-resellers': ['managePartnerships', 'viewPartnerProfiles'],
	'/partnerships': ['managePartnerships', 'viewPartnerProfiles'],
	'/settings/user-management': ['manageUsers'],
	'/organization': ['viewCustomers', 'respondToRelationships', 'endRelationships']
};

const PARTNERS: readonly OrgKind[] = ['indirectProvider', 'indirectReseller'];

/** Pages only some kinds of organization have: a customer sees its own tenant, not partner pages. */
export const PAGE_ORG_KINDS: Readonly<Record<string, readonly OrgKind[]>> = {
	'/customers': PARTNERS,
	'/indirect-providers': PARTNERS,
	'/indirect-resellers': PARTNERS,
	'/partnerships': PARTNERS,
	'/organization': ['customer']
};

/** The org kinds a path is for (its own entry or its closest listed parent), or null for all. */
export function pageOrgKinds(pathname: string): readonly OrgKind[] | null {
	let path = pathname.replace(/\/+$/, '') || '/';
	while (path) {
		const kinds = PAGE_ORG_KINDS[path];
		if (kinds) return kinds;
		path = path.slice(0, path.lastIndexOf('/'));
	}
	return null;
}

/** The capabilities a path needs (its own entry or its closest listed parent), or none. */
export function pageCapabilities(pathname: string): readonly Capability[] {
	let path = pathname.replace(/\/+$/, '') || '/';
	while (path) {
		const needed = PAGE_CAPABILITIES[path];
		if (needed) return needed;
		path = path.slice(0, path.lastIndexOf('/'));
	}
	return [];
}

/** A customer's own record (`/customers/<its id>`): its tenant, which it manages itself too. */
function isOwnCustomerRecord(pathname: string, orgKind?: string, orgId?: string): boolean {
	return (
		orgKind === 'customer' &&
		orgId !== undefined &&
		pathname.replace(/\/+$/, '') === `/customers/${encodeURIComponent(orgId)}`
	);
}

/**
 * Whether these capabilities open the page for an org of `orgKind` (unknown while the session
 * loads: only capabilities count then); `orgId` lets a customer open its own record.
 */
export function mayOpenPage(
	capabilities: ReadonlySet<Capability>,
	pathname: string,
	orgKind?: string,
	orgId?: string
): boolean {
	const kinds = pageOrgKinds(pathname);
	if (
		kinds &&
		orgKind !== undefined &&
		!kinds.includes(orgKind as OrgKind) &&
		!isOwnCustomerRecord(pathname, orgKind, orgId)
	)
		return false;
	const needed = pageCapabilities(pathname);
	return needed.length === 0 || needed.some((capability) => capabilities.has(capability));
}

/** Roles any of which would open the page (for the explanation shown instead of it). */
export function rolesOpening(pathname: string): Role[] {
	const needed = pageCapabilities(pathname);
	return ROLES.filter((role) => needed.some((c) => ROLE_CAPABILITIES[role].includes(c)));
}
