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
	orgLog,
	partnershipLog,
	PROVIDER,
	providerAdmin,
	RESELLER,
	resellerAdmin
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

type Push = ReturnType<typeof orgLog>['push'];

function projected(ref: DocumentRef, log: readonly unknown[]) {
	const projector = createProjector(ref);
	projector.append(log);
	return projector;
}

// ---- a reseller redeems a provider's link ----

const providerRef = { kind: 'org', orgId: PROVIDER } as const;
const partnershipRef = { kind: 'partnership', providerId: PROVIDER, resellerId: RESELLER } as const;

function providerLog(extend: (push: Push) => void = () => {}) {
	const builder = orgLog(PROVIDER, 'indirectProvider', providerAdmin.userId);
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
	readonly inviter?: (push: Push) => void;
	readonly noInviter?: boolean;
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
	it('names the provider’s org document and the partnership, in that order', () => {
		expect(resellerRedemptionDocuments(resellerCommand())).toEqual([
			documentName(providerRef),
			documentName(partnershipRef)
		]);
	});

	it.each(RESELLER_REFUSALS)('is refused ($refused) when $why, appending nothing', (each) => {
		const inviter = each.noInviter
			? undefined
			: projected(providerRef, providerLog(each.inviter)).state;
		const partnership = each.partnership ? authorizedPartnership() : undefined;
		const decision = decideResellerRedemption(
			resellerCommand(each.command),
			[inviter, partnership],
			each.at ?? atDay(1),
			maker()
		);
		expect(decision).toEqual({ refused: each.refused });
	});

	it('writes invitation.redeemed and partnership.invited at the decision’s time, which the door and projections take', () => {
		const provider = projected(providerRef, providerLog());
		const partnership = createProjector(partnershipRef);
		const at = atDay(1);
		const decision = decideResellerRedemption(
			resellerCommand(),
			[provider.state, partnership.state],
			at,
			maker()
		);
		if ('refused' in decision) throw new Error(`refused: ${decision.refused}`);
		const [toProvider = [], toPartnership = []] = decision.events;
		expect(toProvider.map((e) => [e.type, e.payload, e.at])).toEqual([
			['invitation.redeemed', { invitationId: 'inv-1', orgId: RESELLER }, at]
		]);
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
			[provider, toProvider],
			[partnership, toPartnership]
		] as const) {
			const checks = checkAppends(projector.ref, projector.state, events, SYSTEM_ACTOR);
			expect(checks.every((check) => check.ok)).toBe(true);
			projector.append(events);
			expect(projector.state.superseded).toEqual([]);
		}
		const providerState = provider.state;
		if (providerState.kind !== 'org') throw new Error('expected the org');
		expect(providerState.invitations['inv-1']).toMatchObject({
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

function resellerLog(extend: (push: Push) => void = () => {}, admitted = true) {
	const builder = orgLog(RESELLER, 'indirectReseller', resellerAdmin.userId, {
		alreadyEnrolledInCsp: admitted
	});
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
	it('names the reseller’s org, the customer, the new org and the partnership, in that order', () => {
		expect(customerAnswerDocuments(customerCommand({ newOrg: NEW_ORG }))).toEqual([
			documentName(resellerRef),
			documentName({ kind: 'customer', customerId: CUSTOMER }),
			documentName({ kind: 'org', orgId: 'new-org' }),
			documentName(combinedPartnershipRef)
		]);
		expect(customerAnswerDocuments(customerCommand({ providerId: null }))).toHaveLength(2);
	});

	it.each(CUSTOMER_REFUSALS)('is refused ($refused) when $why, appending nothing', (each) => {
		const inviter = each.providerLink
			? projected(providerRef, providerLog()).state
			: projected(resellerRef, resellerLog(each.inviter, !each.notAdmitted)).state;
		const customer =
			each.customer === 'accepted'
				? projected(customerRef, customerLog({ accepted: true }).log).state
				: undefined;
		const partnership = each.partnership === 'none' ? undefined : livePartnership();
		const decision = decideCustomerAnswer(
			customerCommand(each.command),
			[inviter, customer, partnership],
			each.at ?? atDay(1),
			maker()
		);
		expect(decision).toEqual({ refused: each.refused });
	});

	it('writes the redemption, the tenant, the request and the answer by the customer’s user, which the door and projections take', () => {
		const reseller = projected(resellerRef, resellerLog());
		const customer = createProjector(customerRef);
		const at = atDay(1);
		const command = customerCommand();
		const decision = decideCustomerAnswer(
			command,
			[reseller.state, customer.state, livePartnership()],
			at,
			maker()
		);
		if ('refused' in decision) throw new Error(`refused: ${decision.refused}`);
		const [toReseller = [], toCustomer = [], toPartnership] = decision.events;
		expect(toReseller.map((e) => [e.type, e.payload, e.at])).toEqual([
			['invitation.redeemed', { invitationId: 'inv-c', orgId: CUSTOMER }, at]
		]);
		expect(toCustomer.map((e) => [e.type, e.by])).toEqual([
			['customer.created', SYSTEM],
			['relationship.requested', SYSTEM],
			['relationship.accepted', { userId: customerAdmin.userId, orgId: CUSTOMER }]
		]);
		expect(toPartnership).toEqual([]);
		const authorOf = (event: unknown): Actor =>
			(event as DomainEvent).by.userId === customerAdmin.userId ? command.actor : SYSTEM_ACTOR;
		for (const [projector, events] of [
			[reseller, toReseller],
			[customer, toCustomer]
		] as const) {
			const checks = checkAppends(projector.ref, projector.state, events, authorOf);
			expect(checks.filter((check) => !check.ok)).toEqual([]);
			projector.append(events);
			expect(projector.state.superseded).toEqual([]);
		}
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
			[projected(resellerRef, resellerLog()).state, undefined, undefined, livePartnership()],
			atDay(1),
			maker()
		);
		if ('refused' in decision) throw new Error(`refused: ${decision.refused}`);
		const orgEvents = decision.events[2] ?? [];
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
