// Which capabilities open which page of the Partner Dashboard (any one of them is enough), read by
// the menu and by the shell's guard on direct URLs. Pages not listed are open to every user.
import { ROLES, ROLE_CAPABILITIES, type Capability, type Role } from '$lib/domain/permissions';

export const PAGE_CAPABILITIES: Readonly<Record<string, readonly Capability[]>> = {
	'/customers': ['viewCustomers'],
	// Sales agents too: they invite customers with a provider from there (GLOSSARY: Sales agent).
	'/indirect-providers': ['managePartnerships', 'viewPartnerProfiles', 'sendInvitations'],
	'/indirect-resellers': ['managePartnerships', 'viewPartnerProfiles'],
	'/settings/user-management': ['manageUsers']
};

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

export function mayOpenPage(capabilities: ReadonlySet<Capability>, pathname: string): boolean {
	const needed = pageCapabilities(pathname);
	return needed.length === 0 || needed.some((capability) => capabilities.has(capability));
}

/** Roles any of which would open the page (for the explanation shown instead of it). */
export function rolesOpening(pathname: string): Role[] {
	const needed = pageCapabilities(pathname);
	return ROLES.filter((role) => needed.some((c) => ROLE_CAPABILITIES[role].includes(c)));
}
