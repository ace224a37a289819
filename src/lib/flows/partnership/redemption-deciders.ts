// What redeeming an invitation link writes, decided on the documents it touches as they stand under
// their locks: a reseller link writes `invitation.redeemed` in the provider's invitations document
// and opens the partnership; a customer link writes `invitation.redeemed` in the reseller's
// invitations document (its org document, read for its name and standing, is locked too) and,
// in the customer's document, the request and the customer's answer (with its tenant first, and,
// for an account made on the spot, the new org's own document). The rules are
// invitation-redemption.ts; the server's InvitationService is the adapter that locks and appends.
import { hlcMillis } from '$lib/domain/clock';
import { documentName } from '$lib/domain/documents';
import type { Author } from '$lib/domain/events';
import type { Invitation, Organization } from '$lib/domain/model';
import type { Role } from '$lib/domain/permissions';
import type { OrgKind } from '$lib/domain/rules';
import type { Decision, EventMaker } from '$lib/flows/documents/decision';
import type { DocumentProjection } from '$lib/flows/documents/document-state';
import { partnerStanding, type PartnerStanding } from '$lib/flows/enrollment/partner-standing';
import { newOrgEvents } from '$lib/flows/organization/new-org';
import {
	customerRedemptionRefusal,
	invitationWithHash,
	redemptionRefusal,
	type RedemptionRefusal
} from './invitation-redemption';

/** The roles of a new customer org's first user (also the demo customers' admins). */
export const NEW_CUSTOMER_ROLES: readonly Role[] = ['globalAdmin'];

export const CUSTOMER_ANSWERS = ['accept', 'decline'] as const;
export type CustomerAnswer = (typeof CUSTOMER_ANSWERS)[number];

/** A link, as the caller found it: the invitation's id and the hash of the token it was given. */
interface LinkFound {
	readonly invitationId: string;
	readonly tokenHash: string;
	readonly inviterOrgId: string;
}

/** A reseller redeems a provider's link for its org. */
export interface ResellerRedemption extends LinkFound {
	readonly redeemerOrgId: string;
	/** the redeemer's org kind, from its org document (null when it has none yet) */
	readonly redeemerOrgKind: OrgKind | null;
	readonly redeemerRoles: readonly Role[];
	readonly redeemerStanding: PartnerStanding;
	/** the reseller's legal name, for the provider (it may not read the reseller's org yet) */
	readonly resellerName: string | undefined;
}

/** The documents a reseller redemption reads and writes, in the order its decision names them. */
export function resellerRedemptionDocuments(command: ResellerRedemption): readonly string[] {
	return [
		documentName({ kind: 'invitations', orgId: command.inviterOrgId }),
		documentName({ kind: 'org', orgId: command.inviterOrgId }),
		documentName({
			kind: 'partnership',
			providerId: command.inviterOrgId,
			resellerId: command.redeemerOrgId
		})
	];
}

/** Why the link cannot be redeemed now (also asked before the documents are locked), or null. */
export function resellerRedemptionRefusal(
	command: ResellerRedemption,
	invitation: Invitation,
	partnership: DocumentProjection | undefined,
	now: number
): RedemptionRefusal | null {
	return redemptionRefusal({
		invitation,
		inviterOrgId: command.inviterOrgId,
		redeemerOrgId: command.redeemerOrgId,
		redeemerOrgKind: command.redeemerOrgKind,
		redeemerRoles: command.redeemerRoles,
		redeemerStanding: command.redeemerStanding,
		partnership: partnership?.kind === 'partnership' ? partnership : undefined,
		now
	});
}

/**
 * `invitation.redeemed` in the provider's invitations document and `partnership.invited` in
 * `partnership/<provider>/<reseller>`, both at `at` (the decision's clock reading), or why not.
 */
export function decideResellerRedemption(
	command: ResellerRedemption,
	[sent, inviter, partnership]: readonly (DocumentProjection | undefined)[],
	at: string,
	make: EventMaker
): Decision<RedemptionRefusal> {
	const invitation =
		sent?.kind === 'invitations'
			? invitationWithHash(sent, command.invitationId, command.tokenHash)
			: null;
	if (!invitation || inviter?.kind !== 'org') return { refused: 'notFound' };
	const refused = resellerRedemptionRefusal(command, invitation, partnership, hlcMillis(at));
	if (refused) return { refused };
	const { invitationId, expiresAt } = invitation;
	const providerName = inviter.org?.legalName;
	const { resellerName } = command;
	return {
		events: [
			[make('invitation.redeemed', { invitationId, orgId: command.redeemerOrgId }, { at })],
			[],
			[
				make(
					'partnership.invited',
					{
						invitationId,
						expiresAt,
						...(providerName ? { providerName } : {}),
						...(resellerName ? { resellerName } : {})
					},
					{ at }
				)
			]
		]
	};
}

/** A new customer org to write together with its first answer (an account made on the spot). */
export interface NewCustomerOrg {
	readonly orgId: string;
	readonly userId: string;
	readonly legalName: string;
	readonly domain: string;
	readonly country: string;
	readonly email: string;
	readonly displayName: string;
	/** the unusable "temporary" password the log records (the chosen one is only in the account) */
	readonly placeholderHash: string;
	/** when that placeholder expires: at once (epoch ms) */
	readonly placeholderExpiresAt: number;
}

/** A customer's answer to a customer link. */
export interface CustomerLinkAnswer extends LinkFound {
	/** the reseller's profile, as found with the link */
	readonly inviter: Pick<Organization, 'legalName' | 'country'>;
	/** the customer's org, and the user who answers for it */
	readonly customerId: string;
	readonly customerOrgKind: OrgKind | null;
	/** its country by its org profile (the tenant's, else its own), until its document says */
	readonly customerProfileCountry: string | null;
	readonly actor: Author & { readonly roles: readonly Role[] };
	readonly answer: CustomerAnswer;
	readonly relationshipId: string;
	/** a combined link's provider of record, and its name */
	readonly providerId: string | null;
	readonly providerName: string | null;
	/** the tenant the customer document is made with, when it has none yet */
	readonly tenant: {
		readonly legalName: string;
		readonly domain: string;
		readonly country: string;
	} | null;
	readonly newOrg: NewCustomerOrg | null;
}

/**
 * The documents a customer's answer reads and writes, in the order its decision names them: the
 * reseller's invitations and org (read only), the customer's document, the new org's own (made on the spot), and for a combined
 * link the reseller–provider partnership (read only).
 */
export function customerAnswerDocuments(command: CustomerLinkAnswer): readonly string[] {
	return [
		documentName({ kind: 'invitations', orgId: command.inviterOrgId }),
		documentName({ kind: 'org', orgId: command.inviterOrgId }),
		documentName({ kind: 'customer', customerId: command.customerId }),
		...(command.newOrg ? [documentName({ kind: 'org', orgId: command.newOrg.orgId })] : []),
		...(command.providerId !== null
			? [
					documentName({
						kind: 'partnership',
						providerId: command.providerId,
						resellerId: command.inviterOrgId
					})
				]
			: [])
	];
}

/** Why the customer cannot answer the link now (also asked before the documents are locked). */
export function customerAnswerRefusal(
	command: CustomerLinkAnswer,
	invitation: Invitation,
	inviterStanding: PartnerStanding,
	customerState: DocumentProjection | undefined,
	partnership: DocumentProjection | undefined,
	now: number
): RedemptionRefusal | null {
	const customer = customerState?.kind === 'customer' ? customerState : undefined;
	return customerRedemptionRefusal({
		invitation,
		inviterOrgId: command.inviterOrgId,
		inviterCountry: command.inviter.country,
		inviterStanding,
		redeemerOrgId: command.customerId,
		redeemerOrgKind: command.customerOrgKind,
		redeemerCountry: customer?.customer?.country ?? command.customerProfileCountry,
		redeemerRoles: command.actor.roles,
		customer,
		partnership: partnership?.kind === 'partnership' ? partnership : undefined,
		now
	});
}

/**
 * `invitation.redeemed` (at `at`) in the reseller's invitations document; in `customer/<id>` the
 * tenant (if it has none yet), `relationship.requested` by the system and the answer by the
 * customer's user;
 * with `newOrg`, that org's creation and its Global admin in its own document. The reseller's
 * program standing is read from its org document as it stands now (a rejection that landed counts).
 */
export function decideCustomerAnswer(
	command: CustomerLinkAnswer,
	states: readonly (DocumentProjection | undefined)[],
	at: string,
	make: EventMaker
): Decision<RedemptionRefusal> {
	const [sent, inviter, customerState] = states;
	const partnershipState = command.providerId !== null ? states.at(-1) : undefined;
	const invitation =
		sent?.kind === 'invitations'
			? invitationWithHash(sent, command.invitationId, command.tokenHash)
			: null;
	if (!invitation || inviter?.kind !== 'org') return { refused: 'notFound' };
	const customer = customerState?.kind === 'customer' ? customerState : undefined;
	// Under the reseller's org document's lock: a rejection that landed since counts.
	const refused = customerAnswerRefusal(
		command,
		invitation,
		partnerStanding(inviter),
		customer,
		partnershipState,
		hlcMillis(at)
	);
	if (refused) return { refused };
	const { newOrg, tenant, relationshipId, providerId, providerName } = command;
	const orgEvents = newOrg
		? newOrgEvents(
				make,
				{
					kind: 'customer',
					legalName: newOrg.legalName,
					country: newOrg.country,
					tenant: { domain: newOrg.domain, country: newOrg.country },
					mpnId: null,
					alreadyEnrolledInCsp: false
				},
				{
					userId: newOrg.userId,
					email: newOrg.email,
					fullName: newOrg.displayName,
					roles: NEW_CUSTOMER_ROLES,
					temporaryPassword: {
						hash: newOrg.placeholderHash,
						expiresAt: newOrg.placeholderExpiresAt
					},
					passwordChosen: true
				}
			)
		: [];
	const customerEvents = [
		...(customer?.customer || !tenant ? [] : [make('customer.created', tenant)]),
		make('relationship.requested', {
			relationshipId,
			invitationId: invitation.invitationId,
			resellerId: command.inviterOrgId,
			providerId,
			expiresAt: invitation.expiresAt,
			resellerName: command.inviter.legalName,
			...(providerName ? { providerName } : {})
		}),
		make(
			command.answer === 'accept' ? 'relationship.accepted' : 'relationship.declined',
			{ relationshipId },
			{ by: { userId: command.actor.userId, orgId: command.actor.orgId } }
		)
	];
	const redeemed = make(
		'invitation.redeemed',
		{ invitationId: invitation.invitationId, orgId: command.customerId },
		{ at }
	);
	return {
		events: [
			[redeemed],
			[],
			customerEvents,
			...(newOrg ? [orgEvents] : []),
			...(providerId !== null ? [[]] : [])
		]
	};
}
