// The customer-tenant admin roles an admin relationship (GDAP) may ask for, least privileged first,
// what each allows in the customer's tenant as tiertwo shows it, and the least-privilege templates
// that fill a request's roles in one click. Each role's name and one-line description are in the
// i18n catalogs as `gdap_role_<role>` and `gdap_role_<role>_description`.

export const ADMIN_ROLES = [
	'directoryReaders',
	'globalReader',
	'reportsReader',
	'serviceSupportAdministrator',
	'helpdeskAdministrator',
	'licenseAdministrator',
	'billingAdministrator',
	'userAdministrator',
	'privilegedRoleAdministrator',
	'globalAdministrator'
] as const;

export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The role a relationship cannot auto extend with (it would renew full control unasked). */
export const GLOBAL_ADMINISTRATOR: AdminRole = 'globalAdministrator';

const roleSet: ReadonlySet<string> = new Set(ADMIN_ROLES);

export function isAdminRole(value: unknown): value is AdminRole {
	return typeof value === 'string' && roleSet.has(value);
}

/** What a partner user may do in a customer's tenant (the customer record's users and licenses). */
export type TenantAction = 'viewTenant' | 'manageTenantUsers' | 'manageLicenses';

/**
 * Which tenant actions each role allows. Viewing the customer itself (its name, its subscriptions)
 * needs no admin role: the reseller relationship gives that.
 */
export const ROLE_ALLOWS: Readonly<Record<AdminRole, readonly TenantAction[]>> = {
	directoryReaders: ['viewTenant'],
	globalReader: ['viewTenant'],
	reportsReader: [],
	serviceSupportAdministrator: [],
	helpdeskAdministrator: ['viewTenant'],
	licenseAdministrator: ['viewTenant', 'manageLicenses'],
	billingAdministrator: [],
	userAdministrator: ['viewTenant', 'manageTenantUsers', 'manageLicenses'],
	privilegedRoleAdministrator: ['viewTenant'],
	globalAdministrator: ['viewTenant', 'manageTenantUsers', 'manageLicenses']
};

/** The roles that allow `action`, least privileged first (what to ask for, or to assign). */
export function rolesAllowing(action: TenantAction): readonly AdminRole[] {
	return ADMIN_ROLES.filter((role) => ROLE_ALLOWS[role].includes(action));
}

/** Least-privilege starting points for a request (the person may still add or remove roles). */
export const ROLE_TEMPLATES = {
	helpdesk: ['directoryReaders', 'helpdeskAdministrator', 'serviceSupportAdministrator'],
	licensing: ['directoryReaders', 'licenseAdministrator'],
	readOnly: ['directoryReaders', 'globalReader']
} as const satisfies Readonly<Record<string, readonly AdminRole[]>>;

export type RoleTemplate = keyof typeof ROLE_TEMPLATES;

/** `roles` in catalog order without repeats (how a request keeps them, whatever order they came in). */
export function inCatalogOrder(roles: Iterable<AdminRole>): AdminRole[] {
	const chosen = new Set(roles);
	return ADMIN_ROLES.filter((role) => chosen.has(role));
}
