// The one table from Partner Center roles to what they allow. The UI shows only what a user's
// capabilities allow and the sync server refuses the rest, both reading this table.
import type { DocumentKind } from './documents';

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

/**
 * Reads follow roles: the capabilities that open each kind of shared document to a user of an org
 * that is a party to it (any one is enough; null: every live user of a party). A role with none
 * of them gets no such document at all, not even read-only: a customer document holds the
 * customer's tenant users (names, emails), its orders and the partners' shared notes, which a
 * Billing, Referrals or Incentives admin has no part in (billing views, when they come, get their
 * own document). The app's menu (src/lib/ui/page-access.ts) opens pages with a subset of these.
 */
export const DOCUMENT_READERS: Readonly<Record<DocumentKind, readonly Capability[] | null>> = {
	// the user's own org: their roles, the org's users and profile, every user needs it
	org: null,
	// the links the org sent: on Indirect resellers / providers and Customers, to whoever sends,
	// manages partners or views customers (a Billing or Referrals admin has no part in them)
	invitations: ['sendInvitations', 'managePartnerships', 'viewCustomers', 'viewPartnerProfiles'],
	// Indirect providers / Indirect resellers, the shared notes, View customers
	partnership: [
		'managePartnerships',
		'viewPartnerProfiles',
		'sendInvitations',
		'viewCustomers',
		'submitOrders',
		'editSharedNotes'
	],
	// Customers and the customer's own Organization page
	customer: [
		'viewCustomers',
		'manageCustomerTenants',
		'submitOrders',
		'respondToRelationships',
		'endRelationships'
	],
	// the program's directory of indirect providers: public to every signed-in user
	directory: null
};

/**
 * Another org's org document: the program operator's enrollment reviewers read an application, a
 * provider's partner managers read a reseller that gave it admin access.
 */
export const OTHER_ORG_READERS: Readonly<Record<'program' | 'provider', readonly Capability[]>> = {
	program: ['reviewEnrollment'],
	provider: ['managePartnerships', 'viewPartnerProfiles']
};

/** Whether these roles open documents of `kind` (of an org that is a party to it) at all. */
export function mayReadDocument(roles: readonly Role[], kind: DocumentKind): boolean {
	const readers = DOCUMENT_READERS[kind];
	return readers === null || readers.some((capability) => can(roles, capability));
}

/**
 * What a user's roles let them read, as one string: two users with the same profile are opened
 * the same documents (for `accessBasis`: a role change that opens nothing re-decides nothing).
 */
export function readProfile(roles: readonly Role[]): string {
	const kinds = (Object.keys(DOCUMENT_READERS) as DocumentKind[]).filter((kind) =>
		mayReadDocument(roles, kind)
	);
	const others = (['program', 'provider'] as const).filter((side) =>
		OTHER_ORG_READERS[side].some((capability) => can(roles, capability))
	);
	return [...kinds, ...others].join(',');
}

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
