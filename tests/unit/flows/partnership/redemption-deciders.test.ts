// The redemption deciders as the server runs them under the documents' locks: for each reason the
// refusal table names, the state that causes it and nothing to append; for a redemption, exactly
// the events each document gets, which the door accepts and the projections apply.
import { describe, expect, it } from 'vitest';
import { formatHlc } from '$lib/domain/clock';
import { documentName, type DocumentRef } from '$lib/domain/documents';
import { buildEvent, type DomainEvent } from '$lib/domain/events';
import type { EventMaker } from '$lib/flows/documents/decision';
import type { DocumentProjection } from '$lib/flows/documents/document-state';
import { checkAppends, type Actor } from '$lib/flows/documents/append-gate';
import { createProjector } from '$lib/flows/documents/projection';
import type { RedemptionRefusal } from '$lib/flows/partnership/invitation-redemption';
import {
	customerAnswerDocuments,
	decideCustomerAnswer,
	decideResellerRedemption,
	resellerRedemptionDocuments,
	type CustomerLinkAnswer,
	type NewCustomerOrg,
	type ResellerRedemption
} from '$lib/flows/partnership/redemption-deciders';
import { DAY, HASH, SYSTEM, T0 } from '../../factories';
import {
	CUSTOMER,
	customerAdmin,
	customerLog,
	invitationPayload,
	invitationsLog,
	orgLog,
	partnershipLog,
	PROVIDER,
	providerAdmin,
	providerLinksRef,
	RESELLER,
	resellerAdmin,
	resellerLinksRef
} from '../scenarios';

const SYSTEM_ACTOR: Actor = { ...SYSTEM, roles: [] };

/** A maker as the server's: new ids in order, the clock one tick on from `at` unless given. */
function maker(): EventMaker {
	let counter = 0;
	return (type, payload, options = {}) => {
		counter += 1;
		return buildEvent(type, payload, {
			id: `decided-${counter}`,
			at: options.at ?? formatHlc({ wall: T0 + DAY, counter, node: 'server' }),
			by: options.by ?? SYSTEM
		});
	};
}

const atDay = (days: number) => formatHlc({ wall: T0 + days * DAY, counter: 0, node: 'server' });

type Push = ReturnType<typeof invitationsLog>['push'];

function projected(ref: DocumentRef, log: readonly unknown[]) {
	const projector = createProjector(ref);
	projector.append(log);
	return projector;
}

// ---- a reseller redeems a provider's link ----

const providerRef = { kind: 'org', orgId: PROVIDER } as const;
const partnershipRef = { kind: 'partnership', providerId: PROVIDER, resellerId: RESELLER } as const;

/** The provider's org document's log: its name and kind, no links. */
function providerLog() {
	return orgLog(PROVIDER, 'indirectProvider', providerAdmin.userId).log;
}

/** The provider's invitations document's log, with its reseller link `inv-1`. */
function providerLinksLog(extend: (push: Push) => void = () => {}) {
	const builder = invitationsLog(PROVIDER);
	builder.push('invitation.created', providerAdmin, invitationPayload('inv-1'));
	extend(builder.push);
	return builder.log;
}

function resellerCommand(over: Partial<ResellerRedemption> = {}): ResellerRedemption {
	return {
		invitationId: 'inv-1',
		tokenHash: HASH,
		inviterOrgId: PROVIDER,
		redeemerOrgId: RESELLER,
		redeemerOrgKind: 'indirectReseller',
		redeemerRoles: ['globalAdmin'],
		redeemerStanding: 'admitted',
		resellerName: 'Contoso',
		...over
	};
}

interface ResellerCase {
	readonly refused: RedemptionRefusal;
	readonly why: string;
	readonly command?: Partial<ResellerRedemption>;
	/** what else the inviting org's invitations log holds */
	readonly inviter?: (push: Push) => void;
	readonly noInviter?: boolean;
	readonly noLinks?: boolean;
	readonly partnership?: 'authorized';
	readonly at?: string;
}

const RESELLER_REFUSALS: readonly ResellerCase[] = [
	{
		refused: 'notFound',
		why: 'the token is another link’s',
		command: { tokenHash: 'b'.repeat(64) }
	},
	{ refused: 'notFound', why: 'the inviting org has no document', noInviter: true },
	{ refused: 'notFound', why: 'the inviting org has no invitations document', noLinks: true },
	{
		refused: 'revoked',
		why: 'the provider revoked it meanwhile',
		inviter: (push) => push('invitation.revoked', providerAdmin, { invitationId: 'inv-1' })
	},
	{
		refused: 'used',
		why: 'another reseller redeemed it meanwhile',
		inviter: (push) => push('invitation.redeemed', SYSTEM, { invitationId: 'inv-1', orgId: 'x' })
	},
	{ refused: 'expired', why: 'the decision comes after its expiry', at: atDay(8) },
	{
		refused: 'wrongOrgKind',
		why: 'the provider redeems its own link',
		command: { redeemerOrgId: PROVIDER }
	},
	{
		refused: 'wrongOrgKind',
		why: 'a customer redeems it',
		command: { redeemerOrgKind: 'customer' }
	},
	{
		refused: 'capabilityMissing',
		why: 'the user may not manage partnerships',
		command: { redeemerRoles: ['salesAgent'] }
	},
	{
		refused: 'partnerRejected',
		why: 'the program rejected the reseller',
		command: { redeemerStanding: 'rejected' }
	},
	{
		refused: 'partnerPending',
		why: 'the program has not admitted the reseller',
		command: { redeemerStanding: 'pending' }
	},
	{ refused: 'alreadyPartnered', why: 'the partnership is live', partnership: 'authorized' }
];

function authorizedPartnership(): DocumentProjection {
	const builder = partnershipLog();
	builder.push('partnership.authorized', resellerAdmin, { acknowledged: true });
	return projected(partnershipRef, builder.log).state;
}

describe('a reseller redeeming a provider’s link', () => {
	it('names the provider’s invitations and org documents and the partnership, in that order', () => {
		expect(resellerRedemptionDocuments(resellerCommand())).toEqual([
			documentName(providerLinksRef),
			documentName(providerRef),
			documentName(partnershipRef)
		]);
	});

	it.each(RESELLER_REFUSALS)('is refused ($refused) when $why, appending nothing', (each) => {
		const sent = each.noLinks
			? undefined
			: projected(providerLinksRef, providerLinksLog(each.inviter)).state;
		const inviter = each.noInviter ? undefined : projected(providerRef, providerLog()).state;
		const partnership = each.partnership ? authorizedPartnership() : undefined;
		const decision = decideResellerRedemption(
			resellerCommand(each.command),
			[sent, inviter, partnership],
			each.at ?? atDay(1),
			maker()
		);
		expect(decision).toEqual({ refused: each.refused });
	});

	it('writes invitation.redeemed and partnership.invited at the decision’s time, which the door and projections take', () => {
		const links = projected(providerLinksRef, providerLinksLog());
		const provider = projected(providerRef, providerLog());
		const partnership = createProjector(partnershipRef);
		const at = atDay(1);
		const decision = decideResellerRedemption(
			resellerCommand(),
			[links.state, provider.state, partnership.state],
			at,
			maker()
		);
		if ('refused' in decision) throw new Error(`refused: ${decision.refused}`);
		const [toLinks = [], toProvider, toPartnership = []] = decision.events;
		expect(decision.events).toHaveLength(3);
		expect(toLinks.map((e) => [e.type, e.payload, e.at])).toEqual([
			['invitation.redeemed', { invitationId: 'inv-1', orgId: RESELLER }, at]
		]);
		// The provider's org document is read (its name), not written.
		expect(toProvider).toEqual([]);
		expect(toPartnership.map((e) => [e.type, e.payload, e.at])).toEqual([
			[
				'partnership.invited',
				{
					invitationId: 'inv-1',
					expiresAt: T0 + 7 * DAY,
					providerName: 'indirectProvider Ltd',
					resellerName: 'Contoso'
				},
				at
			]
		]);
		for (const [projector, events] of [
			[links, toLinks],
			[partnership, toPartnership]
		] as const) {
			const checks = checkAppends(projector.ref, projector.state, events, SYSTEM_ACTOR);
			expect(checks.every((check) => check.ok)).toBe(true);
			projector.append(events);
			expect(projector.state.superseded).toEqual([]);
		}
		const sent = links.state;
		if (sent.kind !== 'invitations') throw new Error('expected the invitations');
		expect(sent.invitations['inv-1']).toMatchObject({
			status: 'redeemed',
			redeemedBy: RESELLER
		});
		expect(partnership.state.kind === 'partnership' && partnership.state.partnership.status).toBe(
			'invited'
		);
	});
});

// ---- a customer answers a reseller's link ----

const resellerRef = { kind: 'org', orgId: RESELLER } as const;
const customerRef = { kind: 'customer', customerId: CUSTOMER } as const;
const combinedPartnershipRef = partnershipRef;

/** The reseller's org document's log: its name, kind and program standing. */
function resellerLog(admitted = true) {
	return orgLog(RESELLER, 'indirectReseller', resellerAdmin.userId, {
		alreadyEnrolledInCsp: admitted
	}).log;
}

/** The reseller's invitations document's log, with its combined customer link `inv-c`. */
function resellerLinksLog(extend: (push: Push) => void = () => {}) {
	const builder = invitationsLog(RESELLER);
	builder.push('invitation.created', resellerAdmin, {
		invitationId: 'inv-c',
		kind: 'customerWithProvider',
		providerId: PROVIDER,
		tokenHash: HASH,
		expiresAt: T0 + 7 * DAY
	});
	extend(builder.push);
	return builder.log;
}

function customerCommand(over: Partial<CustomerLinkAnswer> = {}): CustomerLinkAnswer {
	return {
		invitationId: 'inv-c',
		tokenHash: HASH,
		inviterOrgId: RESELLER,
		inviter: { legalName: 'Contoso', country: 'JP' },
		customerId: CUSTOMER,
		customerOrgKind: 'customer',
		customerProfileCountry: 'JP',
		actor: { ...customerAdmin, roles: ['globalAdmin'] },
		answer: 'accept',
		relationshipId: 'rel-new',
		providerId: PROVIDER,
		providerName: 'Fabrikam',
		tenant: { legalName: 'Tailspin', domain: 'tailspin.example.com', country: 'JP' },
		newOrg: null,
		...over
	};
}

function livePartnership(): DocumentProjection {
	return authorizedPartnership();
}

interface CustomerCase {
	readonly refused: RedemptionRefusal;
	readonly why: string;
	readonly command?: Partial<CustomerLinkAnswer>;
	/** what else the inviting reseller's invitations log holds */
	readonly inviter?: (push: Push) => void;
	readonly customer?: 'accepted';
	readonly partnership?: 'none';
	readonly notAdmitted?: boolean;
	readonly providerLink?: boolean;
	readonly at?: string;
}

const CUSTOMER_REFUSALS: readonly CustomerCase[] = [
	{
		refused: 'notFound',
		why: 'the token is another link’s',
		command: { tokenHash: 'b'.repeat(64) }
	},
	{
		refused: 'revoked',
		why: 'the reseller revoked it meanwhile',
		inviter: (push) => push('invitation.revoked', resellerAdmin, { invitationId: 'inv-c' })
	},
	{ refused: 'expired', why: 'the decision comes after its expiry', at: atDay(8) },
	{
		refused: 'partnerPending',
		why: 'the program has not admitted the reseller (read from its org document, under its lock)',
		notAdmitted: true
	},
	{
		refused: 'kindUnsupported',
		why: 'it is a provider’s reseller link',
		providerLink: true,
		command: { invitationId: 'inv-1', inviterOrgId: PROVIDER }
	},
	{
		refused: 'wrongOrgKind',
		why: 'the answering org is no customer',
		command: { customerOrgKind: 'indirectProvider' }
	},
	{
		refused: 'capabilityMissing',
		why: 'the user may not answer for the customer',
		command: { actor: { ...customerAdmin, roles: ['billingAdmin'] } }
	},
	{
		refused: 'countryMismatch',
		why: 'the customer is in another country',
		command: { customerProfileCountry: 'US' }
	},
	{
		refused: 'alreadyCustomer',
		why: 'the reseller is already its reseller of record',
		customer: 'accepted'
	},
	{
		refused: 'partnershipNotLive',
		why: 'the reseller–provider partnership is not live',
		partnership: 'none'
	}
];

describe('the refusal table', () => {
	it('has a case for every reason a redemption is refused', () => {
		const covered = new Set(
			[...RESELLER_REFUSALS, ...CUSTOMER_REFUSALS].map((each) => each.refused)
		);
		const every: Record<RedemptionRefusal, true> = {
			notFound: true,
			expired: true,
			revoked: true,
			used: true,
			kindUnsupported: true,
			wrongOrgKind: true,
			capabilityMissing: true,
			alreadyPartnered: true,
			alreadyCustomer: true,
			partnershipNotLive: true,
			countryMismatch: true,
			partnerRejected: true,
			partnerPending: true
		};
		expect([...covered].sort()).toEqual(Object.keys(every).sort());
	});
});

/** A customer account made on the spot from the link. */
const NEW_ORG: NewCustomerOrg = {
	orgId: 'new-org',
	userId: 'new-admin',
	legalName: 'Tailspin',
	domain: 'tailspin.example.com',
	country: 'JP',
	email: 'cam@tailspin.example.com',
	displayName: 'Cam',
	placeholderHash: HASH,
	placeholderExpiresAt: T0
};

describe('a customer answering a reseller’s link', () => {
	it('names the reseller’s invitations and org, the customer, the new org and the partnership, in that order', () => {
		expect(customerAnswerDocuments(customerCommand({ newOrg: NEW_ORG }))).toEqual([
			documentName(resellerLinksRef),
			documentName(resellerRef),
			documentName({ kind: 'customer', customerId: CUSTOMER }),
			documentName({ kind: 'org', orgId: 'new-org' }),
			documentName(combinedPartnershipRef)
		]);
		expect(customerAnswerDocuments(customerCommand({ providerId: null }))).toHaveLength(3);
	});

	it.each(CUSTOMER_REFUSALS)('is refused ($refused) when $why, appending nothing', (each) => {
		const sent = each.providerLink
			? projected(providerLinksRef, providerLinksLog()).state
			: projected(resellerLinksRef, resellerLinksLog(each.inviter)).state;
		const inviter = each.providerLink
			? projected(providerRef, providerLog()).state
			: projected(resellerRef, resellerLog(!each.notAdmitted)).state;
		const customer =
			each.customer === 'accepted'
				? projected(customerRef, customerLog({ accepted: true }).log).state
				: undefined;
		const partnership = each.partnership === 'none' ? undefined : livePartnership();
		const decision = decideCustomerAnswer(
			customerCommand(each.command),
			[sent, inviter, customer, partnership],
			each.at ?? atDay(1),
			maker()
		);
		expect(decision).toEqual({ refused: each.refused });
	});

	it('writes the redemption, the tenant, the request and the answer by the customer’s user, which the door and projections take', () => {
		const links = projected(resellerLinksRef, resellerLinksLog());
		const reseller = projected(resellerRef, resellerLog());
		const customer = createProjector(customerRef);
		const at = atDay(1);
		const command = customerCommand();
		const decision = decideCustomerAnswer(
			command,
			[links.state, reseller.state, customer.state, livePartnership()],
			at,
			maker()
		);
		if ('refused' in decision) throw new Error(`refused: ${decision.refused}`);
		const [toLinks = [], toReseller, toCustomer = [], toPartnership] = decision.events;
		expect(decision.events).toHaveLength(4);
		expect(toLinks.map((e) => [e.type, e.payload, e.at])).toEqual([
			['invitation.redeemed', { invitationId: 'inv-c', orgId: CUSTOMER }, at]
		]);
		// The reseller's org document is read (its standing), not written.
		expect(toReseller).toEqual([]);
		expect(toCustomer.map((e) => [e.type, e.by])).toEqual([
			['customer.created', SYSTEM],
			['relationship.requested', SYSTEM],
			['relationship.accepted', { userId: customerAdmin.userId, orgId: CUSTOMER }]
		]);
		expect(toPartnership).toEqual([]);
		const authorOf = (event: unknown): Actor =>
			(event as DomainEvent).by.userId === customerAdmin.userId ? command.actor : SYSTEM_ACTOR;
		for (const [projector, events] of [
			[links, toLinks],
			[customer, toCustomer]
		] as const) {
			const checks = checkAppends(projector.ref, projector.state, events, authorOf);
			expect(checks.filter((check) => !check.ok)).toEqual([]);
			projector.append(events);
			expect(projector.state.superseded).toEqual([]);
		}
		const sent = links.state;
		if (sent.kind !== 'invitations') throw new Error('expected the invitations');
		expect(sent.invitations['inv-c']).toMatchObject({ status: 'redeemed', redeemedBy: CUSTOMER });
		const state = customer.state;
		if (state.kind !== 'customer') throw new Error('expected the customer');
		expect(state.relationships['rel-new']).toMatchObject({
			resellerId: RESELLER,
			providerId: PROVIDER,
			status: 'active'
		});
	});

	it('makes a new customer org in its own document, its Global admin included', () => {
		const decision = decideCustomerAnswer(
			customerCommand({
				newOrg: NEW_ORG,
				customerId: 'new-org',
				actor: { userId: 'new-admin', orgId: 'new-org', roles: ['globalAdmin'] }
			}),
			[
				projected(resellerLinksRef, resellerLinksLog()).state,
				projected(resellerRef, resellerLog()).state,
				undefined,
				undefined,
				livePartnership()
			],
			atDay(1),
			maker()
		);
		if ('refused' in decision) throw new Error(`refused: ${decision.refused}`);
		const orgEvents = decision.events[3] ?? [];
		expect(orgEvents.map((e) => e.type)).toEqual([
			'org.created',
			'user.added',
			'user.passwordChanged'
		]);
		const org = projected({ kind: 'org', orgId: 'new-org' }, orgEvents).state;
		expect(org.kind === 'org' && org.users['new-admin']).toMatchObject({
			roles: ['globalAdmin'],
			status: 'active'
		});
	});
});
