// The demo workspace created on first start: the program operator, two indirect providers, two
// indirect resellers and a dozen customers with subscriptions, licenses and users, written as the
// same domain events the app writes, each checked by checkAppend as its author.
import { createHash, randomBytes } from 'node:crypto';
import { HybridLogicalClock } from '$lib/domain/clock';
import type { DocumentRef } from '$lib/domain/documents';
import { buildEvent, type EventType, type PayloadOf } from '$lib/domain/events';
import { PROGRAM_ORG_ID } from '$lib/domain/ids';
import type { Role } from '$lib/domain/permissions';
import { hashPassword } from './accounts/passwords.js';
import { newId } from './accounts/tokens.js';
import { SYSTEM_ACTOR, type Actor } from './authorize.js';
import type { DocumentRegistry } from './docs/document-registry.js';
import { SYSTEM_AUTHOR } from './system-events.js';

export const DEMO_PASSWORD = 'tiertwo-demo';

export interface DemoSignIn {
	readonly email: string;
	readonly password: string;
	readonly orgName: string;
	readonly roles: readonly Role[];
}

type OrgKind = 'programOperator' | 'indirectProvider' | 'indirectReseller' | 'customer';

interface DemoOrg {
	readonly id: string;
	readonly kind: OrgKind;
	readonly name: string;
	readonly mpnId?: string;
	/** an indirect reseller already enrolled in CSP, not yet in this program (the shortcut) */
	readonly enrolledInCsp?: boolean;
}

interface DemoUser {
	readonly org: string;
	readonly local: string;
	readonly fullName: string;
	readonly roles: readonly Role[];
}

const ORGS: readonly DemoOrg[] = [
	{ id: PROGRAM_ORG_ID, kind: 'programOperator', name: 'Tailspin Cloud Program' },
	{ id: 'northwind', kind: 'indirectProvider', name: 'Northwind Distribution', mpnId: '1100201' },
	{ id: 'fabrikam', kind: 'indirectProvider', name: 'Fabrikam Distribution', mpnId: '1100202' },
	{ id: 'contoso', kind: 'indirectReseller', name: 'Contoso IT Services' },
	{ id: 'adatum', kind: 'indirectReseller', name: 'Adatum Solutions' },
	{ id: 'tailwind', kind: 'indirectReseller', name: 'Tailwind Traders', enrolledInCsp: true }
];

/** Customers: their reseller of record, and whether that reseller's provider is provider of record. */
interface DemoCustomer {
	readonly id: string;
	readonly name: string;
	readonly reseller?: 'contoso' | 'adatum';
	readonly withProvider?: boolean;
	/** the relationship was requested but the customer has not answered yet */
	readonly pending?: boolean;
	readonly seats: number;
}

const CUSTOMERS: readonly DemoCustomer[] = [
	{ id: 'wingtip', name: 'Wingtip Toys', reseller: 'contoso', withProvider: true, seats: 25 },
	{ id: 'fourthcoffee', name: 'Fourth Coffee', seats: 0 },
	{
		id: 'alpineskihouse',
		name: 'Alpine Ski House',
		reseller: 'contoso',
		withProvider: true,
		seats: 40
	},
	{ id: 'cohowinery', name: 'Coho Winery', reseller: 'contoso', seats: 12 },
	{ id: 'litware', name: 'Litware', reseller: 'contoso', withProvider: true, seats: 120 },
	{ id: 'proseware', name: 'Proseware', reseller: 'contoso', seats: 8 },
	{ id: 'treyresearch', name: 'Trey Research', reseller: 'contoso', withProvider: true, seats: 60 },
	{ id: 'relecloud', name: 'Relecloud', reseller: 'contoso', seats: 15 },
	{ id: 'margiestravel', name: "Margie's Travel", reseller: 'contoso', pending: true, seats: 0 },
	{ id: 'woodgrovebank', name: 'Woodgrove Bank', reseller: 'adatum', seats: 200 },
	{ id: 'lucernepublishing', name: 'Lucerne Publishing', reseller: 'adatum', seats: 30 },
	{ id: 'blueyonder', name: 'Blue Yonder Airlines', seats: 0 }
];

const ADMIN_ROLES: readonly Role[] = ['globalAdmin', 'adminAgent'];

const USERS: readonly DemoUser[] = [
	...ORGS.map((org) => ({
		org: org.id,
		local: 'admin',
		fullName: `${org.name} Admin`,
		roles: ADMIN_ROLES
	})),
	...CUSTOMERS.map((c) => ({
		org: c.id,
		local: 'admin',
		fullName: `${c.name} Admin`,
		roles: ADMIN_ROLES
	})),
	{ org: 'contoso', local: 'sales', fullName: 'Dana Sales', roles: ['salesAgent'] },
	{ org: 'contoso', local: 'billing', fullName: 'Bo Billing', roles: ['billingAdmin'] },
	{ org: 'northwind', local: 'helpdesk', fullName: 'Hana Helpdesk', roles: ['helpdeskAgent'] }
];

const TENANT_PEOPLE = [
	'Avery Lee',
	'Jordan Kim',
	'Riley Chen',
	'Sam Patel',
	'Morgan Diaz',
	'Taylor Ito'
];

/**
 * Every name the demo workspace gives (organizations, customers, people): data a screen shows as it
 * is, in any language (the Japanese walk in tests/e2e/japanese.e2e.ts tells them from UI text).
 */
export const DEMO_NAMES: readonly string[] = [
	...ORGS.map((org) => org.name),
	...CUSTOMERS.map((c) => c.name),
	...USERS.map((user) => user.fullName),
	...TENANT_PEOPLE
];

const DAY = 24 * 60 * 60_000;

export interface SeedDeps {
	readonly registry: DocumentRegistry;
	readonly hashLogN: number;
	readonly now?: () => number;
	/** resolves once the program has decided every order submitted to this document */
	readonly provisioned: (name: string) => Promise<void>;
}

const emailOf = (user: { org: string; local: string }) =>
	`${user.local}@${user.org === PROGRAM_ORG_ID ? 'program' : user.org}.example`;
const userIdOf = (user: { org: string; local: string }) => `${user.org}-${user.local}`;
const nameOf = (orgId: string) =>
	ORGS.find((o) => o.id === orgId)?.name ?? CUSTOMERS.find((c) => c.id === orgId)?.name ?? orgId;

export async function seedDemoWorkspace(deps: SeedDeps): Promise<DemoSignIn[]> {
	const { registry } = deps;
	const now = deps.now ?? Date.now;
	const clock = new HybridLogicalClock('demo-seed');
	// The story starts three weeks ago, a few minutes between steps.
	let wall = now() - 21 * DAY;
	const at = () => {
		wall += 7 * 60_000;
		return clock.now(Math.min(wall, now()));
	};
	const adminOf = (org: string): Actor => ({
		userId: userIdOf({ org, local: 'admin' }),
		orgId: org,
		roles: ADMIN_ROLES
	});

	async function write<T extends EventType>(
		ref: DocumentRef,
		type: T,
		payload: PayloadOf<T>,
		actor: Actor = SYSTEM_ACTOR
	) {
		const by =
			actor === SYSTEM_ACTOR ? SYSTEM_AUTHOR : { userId: actor.userId, orgId: actor.orgId };
		const event = buildEvent(type, payload, { id: newId(), at: at(), by });
		const verdict = await registry.appendEvents(registry.policy.name(ref), [event], actor);
		if (!verdict.ok) {
			throw new Error(
				`demo seed: ${type} in ${registry.policy.name(ref)} refused: ${verdict.code} ${verdict.message}`
			);
		}
	}
	const org = (orgId: string): DocumentRef => ({ kind: 'org', orgId });
	const sent = (orgId: string): DocumentRef => ({ kind: 'invitations', orgId });
	const customer = (customerId: string): DocumentRef => ({ kind: 'customer', customerId });
	const tokenHash = () => createHash('sha256').update(randomBytes(32)).digest('hex');

	// Organizations and their users (one shared hash: the same public demo password for everyone).
	const passwordHash = await hashPassword(DEMO_PASSWORD, deps.hashLogN);
	for (const o of [...ORGS, ...CUSTOMERS.map((c) => ({ ...c, kind: 'customer' as const }))]) {
		const domain = `${o.id === PROGRAM_ORG_ID ? 'program' : o.id}.example`;
		await write(org(o.id), 'org.created', {
			kind: o.kind,
			legalName: o.name,
			country: 'US',
			tenant: { domain, country: 'US' },
			mpnId: 'mpnId' in o && o.mpnId ? o.mpnId : null,
			alreadyEnrolledInCsp:
				o.kind === 'indirectProvider' || ('enrolledInCsp' in o && !!o.enrolledInCsp)
		});
	}
	for (const user of USERS) {
		await write(org(user.org), 'user.added', {
			userId: userIdOf(user),
			email: emailOf(user),
			fullName: user.fullName,
			roles: [...user.roles],
			temporaryPassword: { hash: passwordHash, expiresAt: now() + 365 * DAY }
		});
		await write(org(user.org), 'user.passwordChanged', { userId: userIdOf(user) });
	}

	// Both resellers enrolled and were approved by the program.
	for (const [index, reseller] of (['contoso', 'adatum'] as const).entries()) {
		const name = nameOf(reseller);
		const mpnId = `45678${90 + index}`;
		await write(org(reseller), 'enrollment.mpnLinked', {
			pmcUserName: emailOf({ org: reseller, local: 'admin' }),
			profiles: [{ mpnId, legalName: name, country: 'US' }]
		});
		await write(
			org(reseller),
			'enrollment.submitted',
			{
				track: 'new',
				mpnId,
				legalProfile: {
					legalName: name,
					address: {
						line1: `${100 + index} Main Street`,
						city: 'Seattle',
						region: 'WA',
						postalCode: '98101',
						country: 'US'
					}
				},
				primaryContact: {
					name: `${name} Admin`,
					email: emailOf({ org: reseller, local: 'admin' })
				},
				support: {
					email: `support@${reseller}.example`,
					url: `https://${reseller}.example/support`
				}
			},
			adminOf(reseller)
		);
		await write(org(reseller), 'enrollment.emailVerified', {});
		await write(org(reseller), 'enrollment.approved', {}, adminOf(PROGRAM_ORG_ID));
		await write(org(reseller), 'enrollment.adminAgentConfirmed', {}, adminOf(reseller));
	}

	// The program's directory lists both providers.
	for (const provider of ['northwind', 'fabrikam']) {
		await write(
			{ kind: 'directory' },
			'directory.entryPublished',
			{
				providerId: provider,
				legalName: nameOf(provider),
				country: 'US',
				regionsServed: provider === 'northwind' ? ['US', 'CA'] : ['US', 'MX'],
				offers: {
					technicalTraining: true,
					marketingHelp: provider === 'northwind',
					financing: provider === 'fabrikam'
				},
				contact: {
					email: `partners@${provider}.example`,
					url: `https://${provider}.example/partners`
				},
				description: `${nameOf(provider)} supplies cloud subscriptions to indirect resellers.`
			},
			adminOf(PROGRAM_ORG_ID)
		);
	}

	// Northwind invited Contoso, Contoso authorized Northwind as its indirect provider.
	const northwindInvitation = newId();
	await write(
		sent('northwind'),
		'invitation.created',
		{
			invitationId: northwindInvitation,
			kind: 'reseller',
			tokenHash: tokenHash(),
			expiresAt: wall + 14 * DAY
		},
		adminOf('northwind')
	);
	await write(sent('northwind'), 'invitation.redeemed', {
		invitationId: northwindInvitation,
		orgId: 'contoso'
	});
	const partnership: DocumentRef = {
		kind: 'partnership',
		providerId: 'northwind',
		resellerId: 'contoso'
	};
	await write(partnership, 'partnership.invited', {
		invitationId: northwindInvitation,
		expiresAt: wall + 14 * DAY
	});
	await write(partnership, 'partnership.authorized', { acknowledged: true }, adminOf('contoso'));
	// Fabrikam has sent Adatum a link that Adatum has not opened yet.
	await write(
		sent('fabrikam'),
		'invitation.created',
		{
			invitationId: newId(),
			kind: 'reseller',
			tokenHash: tokenHash(),
			expiresAt: now() + 14 * DAY
		},
		adminOf('fabrikam')
	);

	// Customers: tenants, reseller relationships, orders, users and licenses.
	for (const [index, c] of CUSTOMERS.entries()) {
		await write(customer(c.id), 'customer.created', {
			legalName: c.name,
			domain: `${c.id}.example`,
			country: 'US'
		});
		if (c.reseller) {
			const invitationId = newId();
			const relationshipId = newId();
			const expiresAt = c.pending ? now() + 14 * DAY : wall + 14 * DAY;
			await write(
				sent(c.reseller),
				'invitation.created',
				c.withProvider
					? {
							invitationId,
							kind: 'customerWithProvider',
							providerId: 'northwind',
							tokenHash: tokenHash(),
							expiresAt
						}
					: { invitationId, kind: 'customer', tokenHash: tokenHash(), expiresAt },
				adminOf(c.reseller)
			);
			await write(customer(c.id), 'relationship.requested', {
				relationshipId,
				invitationId,
				resellerId: c.reseller,
				providerId: c.withProvider ? 'northwind' : null,
				expiresAt,
				resellerName: nameOf(c.reseller),
				...(c.withProvider ? { providerName: nameOf('northwind') } : {})
			});
			await write(sent(c.reseller), 'invitation.redeemed', { invitationId, orgId: c.id });
			if (c.pending) continue;
			await write(customer(c.id), 'relationship.accepted', { relationshipId }, adminOf(c.id));
		}
		const people = TENANT_PEOPLE.slice(0, 2 + (index % 5)).map((fullName, n) => ({
			tenantUserId: `${c.id}-user-${n + 1}`,
			displayName: fullName,
			userName: `${fullName.split(' ')[0]?.toLowerCase()}@${c.id}.example`
		}));
		// Partners administer their customers' tenants; a customer with no partner does it itself.
		const tenantAdmin = c.reseller && !c.pending ? adminOf(c.reseller) : adminOf(c.id);
		for (const person of people) {
			await write(customer(c.id), 'tenantUser.added', person, tenantAdmin);
		}
		if (!c.reseller || c.pending || c.seats === 0) continue;
		const orderId = newId();
		const buyer = c.withProvider ? adminOf('northwind') : adminOf(c.reseller);
		await write(
			customer(c.id),
			'order.submitted',
			{
				orderId,
				onBehalfOf: c.withProvider ? c.reseller : null,
				lines: [
					{
						kind: 'newSubscription',
						offerId: index % 2 ? 'business-standard' : 'business-premium',
						term: 'annual',
						quantity: c.seats
					},
					{
						kind: 'newSubscription',
						offerId: 'cloud-storage-1tb',
						term: 'monthly',
						quantity: Math.max(1, Math.round(c.seats / 10))
					}
				]
			},
			buyer
		);
		// The program provisions it (OrderProvisioner), as it does every order.
		await deps.provisioned(registry.policy.name(customer(c.id)));
		const state = await registry.projection(customer(c.id));
		const suites =
			state?.kind === 'customer'
				? Object.values(state.subscriptions).find(
						(s) => s.orderId === orderId && s.offerId !== 'cloud-storage-1tb'
					)?.subscriptionId
				: undefined;
		if (!suites) throw new Error(`demo seed: the order for ${c.id} was not provisioned`);
		for (const person of people) {
			await write(
				customer(c.id),
				'license.assigned',
				{ subscriptionId: suites, tenantUserId: person.tenantUserId },
				tenantAdmin
			);
		}
	}

	return USERS.map((user) => ({
		email: emailOf(user),
		password: DEMO_PASSWORD,
		orgName: nameOf(user.org),
		roles: user.roles
	}));
}
