// The one table from Partner Center roles to what they allow. The UI shows only what a user's
// capabilities allow and the sync server refuses the rest, both reading this table.

/** Type of agent (職場のエージェント ロール). */
export const AGENT_ROLES = ['adminAgent', 'salesAgent', 'helpdeskAgent'] as const;
/** Type of admin. */
export const ADMIN_ROLES = [
	'globalAdmin',
	'userManagementAdmin',
	'billingAdmin',
	'accountAdmin',
	'referralsAdmin',
	'incentivesAdmin'
] as const;
export const ROLES = [...ADMIN_ROLES, ...AGENT_ROLES] as const;

export type AgentRole = (typeof AGENT_ROLES)[number];
export type AdminRole = (typeof ADMIN_ROLES)[number];
export type Role = (typeof ROLES)[number];

export const CAPABILITIES = [
	/** add users, change their roles, disable, enable, remove them */
	'manageUsers',
	/** grant or withdraw Global admin, manage a Global admin (reset, disable, remove) */
	'manageGlobalAdmins',
	/** legal business profile, locations, contacts */
	'manageOrgProfile',
	/** enroll the org in the program and confirm the admin agent check */
	'enroll',
	/** program operator: approve, reject, request more information */
	'reviewEnrollment',
	/** program operator: publish and update provider directory entries */
	'manageDirectory',
	/** create and revoke invitation links (a provider invites resellers, a reseller invites customers) */
	'sendInvitations',
	/** authorize an indirect provider, remove its admin access, end or withdraw a partnership */
	'managePartnerships',
	/** a customer accepts or declines a reseller relationship */
	'respondToRelationships',
	/** remove a customer relationship (ends admin rights and future purchases) */
	'endRelationships',
	/** search and view customers, their subscriptions and relationship history */
	'viewCustomers',
	/** administer on behalf of customers: tenant users, license assignment */
	'manageCustomerTenants',
	/** submit orders: new subscriptions, more licenses */
	'submitOrders',
	/** edit the notes a reseller and its provider share */
	'editSharedNotes',
	'viewPricing',
	'viewBilling',
	'viewPartnerProfiles',
	'manageReferrals',
	'manageIncentives'
] as const;

export type Capability = (typeof CAPABILITIES)[number];

const everything: readonly Capability[] = CAPABILITIES;

/** GLOSSARY.md "Users and roles", as capabilities. */
export const ROLE_CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
	globalAdmin: everything,
	userManagementAdmin: ['manageUsers', 'viewPartnerProfiles'],
	billingAdmin: ['viewBilling', 'viewPricing'],
	accountAdmin: ['manageOrgProfile', 'manageDirectory', 'viewPartnerProfiles'],
	referralsAdmin: ['manageReferrals'],
	incentivesAdmin: ['manageIncentives'],
	adminAgent: [
		'viewCustomers',
		'manageCustomerTenants',
		'submitOrders',
		'sendInvitations',
		'managePartnerships',
		'reviewEnrollment',
		'editSharedNotes'
	],
	salesAgent: [
		'viewCustomers',
		'sendInvitations',
		'submitOrders',
		'viewPricing',
		'editSharedNotes'
	],
	helpdeskAgent: ['viewCustomers', 'manageCustomerTenants', 'editSharedNotes']
};

const roleSet: ReadonlySet<string> = new Set(ROLES);
const agentRoleSet: ReadonlySet<string> = new Set(AGENT_ROLES);

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && roleSet.has(value);
}

export function isAgentRole(role: Role): role is AgentRole {
	return agentRoleSet.has(role);
}

const cache = new Map<string, ReadonlySet<Capability>>();

export function capabilitiesOf(roles: readonly Role[]): ReadonlySet<Capability> {
	const key = [...roles].sort().join(',');
	let found = cache.get(key);
	if (!found) {
		found = new Set(roles.flatMap((role) => ROLE_CAPABILITIES[role] ?? []));
		cache.set(key, found);
	}
	return found;
}

export function can(roles: readonly Role[], capability: Capability): boolean {
	return capabilitiesOf(roles).has(capability);
}

/**
 * Only a Global admin may grant or withdraw Global admin, or manage a user who is one; a User
 * management admin manages everyone else.
 */
export function mayManageUser(
	actorRoles: readonly Role[],
	targetRolesBefore: readonly Role[],
	targetRolesAfter: readonly Role[] = targetRolesBefore
): boolean {
	if (!can(actorRoles, 'manageUsers')) return false;
	const touchesGlobalAdmin =
		targetRolesBefore.includes('globalAdmin') || targetRolesAfter.includes('globalAdmin');
	return !touchesGlobalAdmin || can(actorRoles, 'manageGlobalAdmins');
}
