// `--demo-customers N`: generated customers for the demo indirect reseller (Contoso IT Services),
// each with Northwind Distribution as its provider of record, written as the events a customer who
// created its account from Contoso's combined invitation link leaves (see InvitationService
// #answerCustomer), through the registry's normal append path, many customers per decision.
import { createHash, randomBytes } from 'node:crypto';
import { HybridLogicalClock } from '$lib/domain/clock';
import { documentName } from '$lib/domain/documents';
import type { Author, EventType, PayloadOf } from '$lib/domain/events';
import { can } from '$lib/domain/permissions';
import type { AccountService } from './accounts/account-service.js';
import { newId } from './accounts/tokens.js';
import { SYSTEM_ACTOR, type Actor } from './authorize.js';
import { MAX_DEMO_CUSTOMERS } from './config.js';
import { DEMO_PASSWORD } from './demo-seed.js';
import type { DocumentRegistry } from './docs/document-registry.js';
import { newOrgEvents } from '$lib/flows/organization/new-org';
import { NEW_CUSTOMER_ROLES } from '$lib/flows/partnership/redemption-deciders';
import { eventMaker } from './system-events.js';

const RESELLER = { orgId: 'contoso', adminId: 'contoso-admin' } as const;
const PROVIDER = 'northwind';
/** customers written per decision: one commit, and one look at the reseller's invitations */
const BATCH = 250;
const DAY = 24 * 60 * 60_000;

// Pairwise coprime lengths (32, 31, 23): index -> (i mod 32, i mod 31, i mod 23) is one-to-one
// below 32 * 31 * 23 = 22,816 (Chinese remainder theorem), so no two customers share a name; each
// later round of 22,816 adds its number ("Amber Bakery Group 2").
// prettier-ignore
const FIRST = [
	'Alder', 'Amber', 'Apex', 'Aspen', 'Beacon', 'Birch', 'Bright', 'Cedar', 'Cobalt', 'Coral',
	'Crescent', 'Delta', 'Ember', 'Evergreen', 'Falcon', 'Granite', 'Harbor', 'Horizon', 'Iris',
	'Juniper', 'Keystone', 'Lakeside', 'Maple', 'Meridian', 'Northgate', 'Oakridge', 'Pinnacle',
	'Quarry', 'Redwood', 'Silverline', 'Summit', 'Willow'
];
// prettier-ignore
const TRADE = [
	'Analytics', 'Bakery', 'Builders', 'Capital', 'Clinic', 'Consulting', 'Design', 'Dental',
	'Engineering', 'Farms', 'Fitness', 'Foods', 'Freight', 'Health', 'Hotels', 'Insurance', 'Labs',
	'Legal', 'Logistics', 'Media', 'Motors', 'Outfitters', 'Pharmacy', 'Printing', 'Realty',
	'Robotics', 'Software', 'Studios', 'Supply', 'Textiles', 'Travel'
];
// prettier-ignore
const SUFFIX = [
	'', 'Group', 'Partners', 'Holdings', 'Inc.', 'LLC', 'Ltd.', 'Associates', 'Collective',
	'Company', 'Corporation', 'Enterprises', 'International', 'Services', 'Works', 'Trading',
	'Systems', 'Solutions', 'Ventures', 'Agency', 'Cooperative', 'Brothers', 'Co-op'
];
const GIVEN = ['Avery', 'Jordan', 'Riley', 'Sam', 'Morgan', 'Taylor', 'Casey', 'Quinn', 'Drew'];
const FAMILY = [
	'Lee',
	'Kim',
	'Chen',
	'Patel',
	'Diaz',
	'Ito',
	'Novak',
	'Silva',
	'Okafor',
	'Berg',
	'Haas'
];

export interface DemoCustomer {
	readonly customerId: string;
	readonly legalName: string;
	readonly domain: string;
	readonly adminUserId: string;
	readonly adminEmail: string;
	readonly adminName: string;
}

const NAMES_PER_ROUND = FIRST.length * TRADE.length * SUFFIX.length;

const slug = (word: string) =>
	word
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/-$/, '');

/** The `index`th generated customer (0-based): the same on every run. */
export function demoCustomer(index: number): DemoCustomer {
	const parts = [
		FIRST[index % FIRST.length],
		TRADE[index % TRADE.length],
		SUFFIX[index % SUFFIX.length]
	];
	const round = Math.floor(index / NAMES_PER_ROUND);
	if (round > 0) parts.push(String(round + 1));
	const words = parts.filter((part): part is string => !!part);
	const customerId = `demo-customer-${String(index + 1).padStart(5, '0')}`;
	const domain = `${words.map(slug).join('-')}.example`;
	return {
		customerId,
		legalName: words.join(' '),
		domain,
		adminUserId: `${customerId}-admin`,
		adminEmail: `admin@${domain}`,
		adminName: `${GIVEN[index % GIVEN.length]} ${FAMILY[index % FAMILY.length]}`
	};
}

export interface DemoCustomerDeps {
	readonly registry: DocumentRegistry;
	readonly accounts: AccountService;
	readonly now?: () => number;
	/** lists the documents the new orgs may open for them (the listing index), once at the end */
	readonly onNewOrgs?: (orgIds: readonly string[]) => Promise<void>;
	/** after each decision: how many of `wanted` exist so far */
	readonly progress?: (done: number, wanted: number) => void;
}

export interface DemoCustomersSeeded {
	/** customers this run wrote (the others up to N were there already) */
	readonly added: number;
	readonly total: number;
	readonly ms: number;
}

/**
 * Makes sure the first `count` generated customers exist, adding only the missing ones. Needs the
 * demo workspace (Contoso IT Services, authorized with Northwind Distribution).
 */
export async function seedDemoCustomers(
	deps: DemoCustomerDeps,
	count: number
): Promise<DemoCustomersSeeded> {
	if (!Number.isInteger(count) || count < 0 || count > MAX_DEMO_CUSTOMERS) {
		throw new RangeError(
			`demo customers: ${count} is not an integer from 0 to ${MAX_DEMO_CUSTOMERS}`
		);
	}
	const started = performance.now();
	const { registry, accounts } = deps;
	const now = deps.now ?? Date.now;
	const reseller = await registry.current({ kind: 'org', orgId: RESELLER.orgId });
	const provider = await registry.current({ kind: 'org', orgId: PROVIDER });
	if (reseller?.kind !== 'org' || !reseller.org || provider?.kind !== 'org' || !provider.org) {
		throw new Error('demo customers: the demo workspace (contoso, northwind) is missing');
	}
	const resellerAdmin = await registry.currentActorOf({
		userId: RESELLER.adminId,
		orgId: RESELLER.orgId
	});
	if (!can(resellerAdmin.roles, 'sendInvitations')) {
		throw new Error(`demo customers: ${RESELLER.adminId} may not send invitations`);
	}
	const resellerName = reseller.org.legalName;
	const providerName = provider.org.legalName;

	const stored = new Set(await registry.names());
	const missing: DemoCustomer[] = [];
	for (let index = 0; index < count; index += 1) {
		const customer = demoCustomer(index);
		if (!stored.has(documentName({ kind: 'customer', customerId: customer.customerId }))) {
			missing.push(customer);
		}
	}
	if (missing.length === 0) return { added: 0, total: count, ms: performance.now() - started };

	// One hash for every admin (the public demo password), one placeholder for the org documents'
	// user.added (as a customer who signs up: the account's password is never in a log).
	const passwordHash = await accounts.hash(DEMO_PASSWORD);
	const placeholderHash = await accounts.hash(randomBytes(32).toString('base64url'));
	const makeEvent = eventMaker(new HybridLogicalClock('demo-customers'), now);
	// The links go in the reseller's invitations; its org document is read (its kind and standing).
	const resellerLinks = documentName({ kind: 'invitations', orgId: RESELLER.orgId });
	const resellerDoc = documentName({ kind: 'org', orgId: RESELLER.orgId });

	let added = 0;
	for (let from = 0; from < missing.length; from += BATCH) {
		const batch = missing.slice(from, from + BATCH);
		for (const customer of batch) await createAccount(accounts, customer, passwordHash);
		const admins = new Map<string, Actor>(
			batch.map((c) => [
				c.adminUserId,
				{ userId: c.adminUserId, orgId: c.customerId, roles: NEW_CUSTOMER_ROLES }
			])
		);
		const names = [
			resellerLinks,
			resellerDoc,
			...batch.map((c) => documentName({ kind: 'customer', customerId: c.customerId })),
			...batch.map((c) => documentName({ kind: 'org', orgId: c.customerId }))
		];
		const result = await registry.appendAtomically(
			names,
			() => {
				const event = <T extends EventType>(type: T, payload: PayloadOf<T>, by?: Author) =>
					makeEvent(type, payload, by ? { by } : {});
				const resellerEvents: object[] = [];
				const customerEvents: object[][] = [];
				const orgEvents: object[][] = [];
				for (const c of batch) {
					const invitationId = newId();
					const relationshipId = newId();
					const expiresAt = now() + 14 * DAY;
					// The reseller's Invite new customers link, for it and its provider at once…
					resellerEvents.push(
						event(
							'invitation.created',
							{
								invitationId,
								kind: 'customerWithProvider',
								providerId: PROVIDER,
								tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
								expiresAt
							},
							{ userId: resellerAdmin.userId, orgId: resellerAdmin.orgId }
						)
					);
					// …which the customer opened to create its account and accept.
					resellerEvents.push(event('invitation.redeemed', { invitationId, orgId: c.customerId }));
					orgEvents.push(
						newOrgEvents(
							makeEvent,
							{
								kind: 'customer',
								legalName: c.legalName,
								country: 'US',
								tenant: { domain: c.domain, country: 'US' },
								mpnId: null,
								alreadyEnrolledInCsp: false
							},
							{
								userId: c.adminUserId,
								email: c.adminEmail,
								fullName: c.adminName,
								roles: NEW_CUSTOMER_ROLES,
								temporaryPassword: { hash: placeholderHash, expiresAt: now() },
								passwordChosen: true
							}
						)
					);
					customerEvents.push([
						event('customer.created', { legalName: c.legalName, domain: c.domain, country: 'US' }),
						event('relationship.requested', {
							relationshipId,
							invitationId,
							resellerId: RESELLER.orgId,
							providerId: PROVIDER,
							expiresAt,
							resellerName,
							providerName
						}),
						event(
							'relationship.accepted',
							{ relationshipId },
							{ userId: c.adminUserId, orgId: c.customerId }
						)
					]);
				}
				return { events: [resellerEvents, [], ...customerEvents, ...orgEvents], value: null };
			},
			(written) => {
				const by = (written as { by?: { userId?: string } }).by?.userId ?? '';
				if (by === resellerAdmin.userId) return resellerAdmin;
				return admins.get(by) ?? SYSTEM_ACTOR;
			}
		);
		if (!result.ok) {
			throw new Error(`demo customers: refused by the registry: ${result.code} ${result.message}`);
		}
		added += batch.length;
		deps.progress?.(count - missing.length + added, count);
	}
	await deps.onNewOrgs?.(missing.map((c) => c.customerId));
	return { added, total: count, ms: performance.now() - started };
}

/** The customer admin's account (kept from an earlier run stopped before its documents). */
async function createAccount(
	accounts: AccountService,
	customer: DemoCustomer,
	passwordHash: string
): Promise<void> {
	const created = await accounts.create({
		id: customer.adminUserId,
		email: customer.adminEmail,
		orgId: customer.customerId,
		fullName: customer.adminName,
		passwordHash,
		mustChangePassword: false,
		temporaryExpiresAt: null
	});
	if (created) return;
	const existing = await accounts.store.byId(customer.adminUserId);
	if (existing?.org_id !== customer.customerId) {
		throw new Error(`demo customers: ${customer.adminEmail} has an account in another org`);
	}
}
