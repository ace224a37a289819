// Invitation links as capabilities: looks a link's token up (by its hash, through the index) and
// redeems it for the signed-in user's org by writing the server's events in the inviting org's
// document and the partnership's (a reseller link) or the customer's (a customer link: the request
// and the customer's answer), together. A customer link can also make a new customer org and its
// Global admin on the spot. Tokens are never stored or logged, only hashed.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { HybridLogicalClock } from '$lib/domain/clock';
import { documentName, type DocumentRef } from '$lib/domain/documents';
import type { ErrorCode } from '$lib/domain/errors';
import type { Invitation, Organization } from '$lib/domain/model';
import { checkOwnerPassword } from '$lib/domain/password-policy';
import { scorePassword } from '$lib/domain/password-strength';
import { normalizeEmail } from '$lib/domain/rules';
import type { Decision, EventMaker } from '$lib/flows/documents/decision';
import type { PartnershipDocumentState } from '$lib/flows/documents/document-state';
import { partnerStanding, type PartnerStanding } from '$lib/flows/enrollment/partner-standing';
import {
	invitationClosedReason,
	invitationWithHash,
	isCustomerInvitation,
	newCustomerRefusal,
	standingRedemptionRefusal,
	type RedemptionRefusal
} from '$lib/flows/partnership/invitation-redemption';
import {
	customerAnswerDocuments,
	customerAnswerRefusal,
	decideCustomerAnswer,
	decideResellerRedemption,
	NEW_CUSTOMER_ROLES,
	resellerRedemptionDocuments,
	resellerRedemptionRefusal,
	type CustomerAnswer,
	type CustomerLinkAnswer,
	type NewCustomerOrg,
	type ResellerRedemption
} from '$lib/flows/partnership/redemption-deciders';
import type { AccountService } from '../accounts/account-service.js';
import { newId } from '../accounts/tokens.js';
import { eventMaker } from '../system-events.js';
import { SYSTEM_ACTOR, type Actor, type Viewer } from '../authorize.js';
import type { AuthCode, InvitationCode } from '../codes.js';
import { fieldErrors } from '../field-errors.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import { WindowBudget, type AddressBudget, type BudgetSettings } from '../window-budget.js';
import type { InvitationIndex } from './invitation-index.js';
import {
	customerAccountRequest,
	invitationToken,
	type CustomerRedeemAnswer,
	type LookupAnswer,
	type ResellerRedeemAnswer
} from '$lib/protocol/invitation-api';

export interface InvitationLimits {
	/** what one client address may spend per window on lookups and redemptions */
	readonly attemptsPerWindow: number;
	readonly windowMs: number;
	/** what a guessed or malformed link costs (an ordinary attempt costs 1) */
	readonly failureCost: number;
	readonly maxEntries: number;
}

export const DEFAULT_INVITATION_LIMITS: InvitationLimits = {
	attemptsPerWindow: 30,
	windowMs: 60_000,
	failureCost: 5,
	maxEntries: 100_000
};

/** The hash an `invitation.created` event carries: hex SHA-256 of the token's UTF-8 bytes. */
export function invitationTokenHash(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface InvitationFailure {
	readonly ok: false;
	readonly status: 400 | 403 | 404 | 409 | 410 | 429;
	readonly code: InvitationCode | ErrorCode | AuthCode;
	readonly retryAfterSeconds?: number;
	/** field path to its error (a new customer account's form) */
	readonly fields?: Record<string, string>;
}

export type InvitationAnswer<T> = { readonly ok: true; readonly body: T } | InvitationFailure;

const REFUSALS: Record<RedemptionRefusal, Pick<InvitationFailure, 'status' | 'code'>> = {
	notFound: { status: 404, code: 'invitation_not_found' },
	expired: { status: 410, code: 'invitation_expired' },
	revoked: { status: 410, code: 'invitation_revoked' },
	used: { status: 410, code: 'invitation_used' },
	kindUnsupported: { status: 400, code: 'invitation_kind_unsupported' },
	wrongOrgKind: { status: 403, code: 'invitation_wrong_org_kind' },
	capabilityMissing: { status: 403, code: 'invitation_capability_missing' },
	alreadyPartnered: { status: 409, code: 'invitation_already_partnered' },
	alreadyCustomer: { status: 409, code: 'invitation_already_customer' },
	partnershipNotLive: { status: 409, code: 'invitation_partnership_not_live' },
	countryMismatch: { status: 403, code: 'invitation_country_mismatch' },
	// The same codes as the sync server's gate: the app says the same thing whichever refused.
	partnerRejected: { status: 403, code: 'error_partner_rejected' },
	partnerPending: { status: 403, code: 'error_partner_pending' }
};

const refusal = (reason: RedemptionRefusal): InvitationFailure => ({
	ok: false,
	...REFUSALS[reason]
});

const TOKEN_INVALID: InvitationFailure = {
	ok: false,
	status: 400,
	code: 'invitation_token_invalid'
};

interface Found {
	readonly orgId: string;
	readonly org: Organization;
	readonly invitation: Invitation;
	readonly tokenHash: string;
	/** the inviting org's program standing when the link was found (decided again under its lock) */
	readonly standing: PartnerStanding;
}

export interface InvitationDeps {
	readonly registry: DocumentRegistry;
	readonly index: InvitationIndex;
	readonly log: Logger;
	readonly limits?: Partial<InvitationLimits>;
	/** the per-address budget (a cluster shares it through Redis); in this process by default */
	readonly budget?: (settings: BudgetSettings) => AddressBudget;
	readonly now?: () => number;
	/** creates accounts for new customer orgs (absent, that route refuses) */
	readonly accounts?: AccountService;
	/** tells the server an org exists now (its documents list) */
	readonly onNewOrg?: (orgId: string) => void;
}

export class InvitationService {
	readonly #registry: DocumentRegistry;
	readonly #index: InvitationIndex;
	readonly #log: Logger;
	readonly #limits: InvitationLimits;
	readonly #budget: AddressBudget;
	readonly #now: () => number;
	readonly #clock = new HybridLogicalClock('sync-server-invitations');
	readonly #event: EventMaker;
	readonly #deps: InvitationDeps;
	/** tenant domains of new customer accounts being created right now (not in any log yet) */
	readonly #domainsInFlight = new Set<string>();
	/** new customer orgs are written one at a time in this process (see `#createCustomer`) */
	#creating: Promise<unknown> = Promise.resolve();

	constructor(deps: InvitationDeps) {
		this.#deps = deps;
		this.#registry = deps.registry;
		this.#index = deps.index;
		this.#log = deps.log;
		this.#limits = { ...DEFAULT_INVITATION_LIMITS, ...deps.limits };
		const settings = {
			limit: this.#limits.attemptsPerWindow,
			windowMs: this.#limits.windowMs,
			maxEntries: this.#limits.maxEntries
		};
		this.#budget = deps.budget ? deps.budget(settings) : new WindowBudget(settings);
		this.#now = deps.now ?? Date.now;
		this.#event = eventMaker(this.#clock, this.#now);
	}

	/** Every request asks first: null when this address may try a link now. */
	async admit(address: string): Promise<InvitationFailure | null> {
		const wait = await this.#budget.retryAfter(address, this.#now());
		return wait === null
			? null
			: { ok: false, status: 429, code: 'invitation_rate_limited', retryAfterSeconds: wait };
	}

	/** Charges one attempt; a guess (unknown or malformed link, unreadable request) costs more. */
	async charge(address: string, guessed: boolean): Promise<void> {
		await this.#budget.spend(address, guessed ? this.#limits.failureCost : 1, this.#now());
	}

	/** Who sent a link and until when it works (no sign-in: the token is the capability). */
	async lookup(address: string, token: string): Promise<InvitationAnswer<LookupAnswer>> {
		const found = await this.#find(token);
		await this.charge(address, isGuess(found));
		if (!('invitation' in found)) return found;
		const { invitation, org, orgId } = found;
		const closed = invitationClosedReason(invitation, this.#now());
		if (closed) return refusal(closed);
		// Said before anyone signs in or fills a form: the link's reseller may not act as a partner.
		const standing = standingRedemptionRefusal(found.standing);
		if (standing) return refusal(standing);
		const providerId = invitation.kind === 'customerWithProvider' ? invitation.providerId : null;
		const provider = providerId ? await this.#orgProfile(providerId) : null;
		return {
			ok: true,
			body: {
				invitationId: invitation.invitationId,
				kind: invitation.kind,
				from: { orgId, name: org.legalName, orgKind: org.kind },
				provider: providerId
					? { orgId: providerId, name: provider?.legalName ?? providerId }
					: null,
				expiresAt: invitation.expiresAt,
				status: 'pending'
			}
		};
	}

	/**
	 * Redeems a link for `viewer`'s org: `invitation.redeemed` in the inviting org's invitations and
	 * `partnership.invited` in `partnership/<inviter>/<redeemer>`, decided and stored together.
	 */
	async redeem(
		address: string,
		token: string,
		viewer: Viewer,
		answer?: CustomerAnswer
	): Promise<InvitationAnswer<ResellerRedeemAnswer | CustomerRedeemAnswer>> {
		const found = await this.#find(token);
		await this.charge(address, isGuess(found));
		if (!('invitation' in found)) return found;
		if (isCustomerInvitation(found.invitation.kind)) {
			if (answer === undefined) {
				return { ok: false, status: 400, code: 'invitation_answer_required' };
			}
			const actor = await this.#registry.currentActorOf(viewer);
			return this.#answerCustomer(found, actor, answer, null);
		}
		const redeemerOrgId = viewer.orgId;
		// The redeemer's org and roles are read once, before the inviter's and the partnership's
		// documents are locked (the decision itself needs no await).
		const redeemerOrg = await this.#registry.current({ kind: 'org', orgId: redeemerOrgId });
		const redeemerOrgKind = redeemerOrg?.kind === 'org' ? (redeemerOrg.org?.kind ?? null) : null;
		const command: ResellerRedemption = {
			invitationId: found.invitation.invitationId,
			tokenHash: found.tokenHash,
			inviterOrgId: found.orgId,
			redeemerOrgId,
			redeemerOrgKind,
			redeemerRoles: (await this.#registry.currentActorOf(viewer)).roles,
			redeemerStanding: partnerStanding(redeemerOrg),
			// Both names on the partnership: the provider may not read the reseller's org document yet.
			resellerName: (await this.#orgProfile(redeemerOrgId))?.legalName
		};
		// Answer what can be answered without touching anything (an org inviting itself has no
		// partnership document to lock).
		const ref = {
			kind: 'partnership',
			providerId: found.orgId,
			resellerId: redeemerOrgId
		} as const;
		const early = resellerRedemptionRefusal(
			command,
			found.invitation,
			await this.#registry.current(ref),
			this.#now()
		);
		if (early) return refusal(early);
		const result = await this.#registry.appendAtomically<RedemptionRefusal | null>(
			resellerRedemptionDocuments(command),
			// Decided again under the documents' locks: a revocation or another redemption may have
			// landed since.
			(states) =>
				settled(
					decideResellerRedemption(command, states, this.#clock.now(this.#now()), this.#event)
				),
			SYSTEM_ACTOR
		);
		if (!result.ok) {
			this.#log.error(
				{ code: result.code, invitation: found.invitation.invitationId },
				'invitation redemption not written'
			);
			throw new Error(`invitation redemption refused by the registry: ${result.code}`);
		}
		if (result.refused) return refusal(result.value ?? 'notFound');
		this.#log.info(
			{ invitation: found.invitation.invitationId, provider: found.orgId, reseller: redeemerOrgId },
			'invitation redeemed'
		);
		return {
			ok: true,
			body: { document: documentName(ref), providerId: found.orgId, resellerId: redeemerOrgId }
		};
	}

	/**
	 * Create a customer account: validates the company and its admin (nothing is written on any
	 * refusal), creates the account, then writes the new org (`org.created`, its Global admin), the
	 * customer document and the acceptance, with `invitation.redeemed`, as one decision. Answers the
	 * new account's email and password for the caller to sign in with.
	 */
	async createCustomer(
		address: string,
		body: Record<string, unknown>
	): Promise<
		InvitationAnswer<CustomerRedeemAnswer & { readonly email: string; readonly password: string }>
	> {
		const found = await this.#find(body.token);
		await this.charge(address, isGuess(found));
		if (!('invitation' in found)) return found;
		const accounts = this.#deps.accounts;
		if (!accounts) return { ok: false, status: 400, code: 'invitation_kind_unsupported' };
		const input = {
			...body,
			company:
				typeof body.company === 'object' && body.company !== null
					? { ...body.company, domain: lowerCase((body.company as { domain?: unknown }).domain) }
					: body.company
		};
		const parsed = customerAccountRequest.safeParse(input);
		if (!parsed.success) {
			return {
				ok: false,
				status: 400,
				code: 'error_field_invalid',
				fields: fieldErrors(parsed.error)
			};
		}
		const { company, admin } = parsed.data;
		const early = newCustomerRefusal({
			invitation: found.invitation,
			inviterCountry: found.org.country,
			inviterStanding: found.standing,
			country: company.country,
			partnership: await this.#partnershipFor(found),
			now: this.#now()
		});
		if (early) return refusal(early);
		const weak = checkOwnerPassword(admin.password, scorePassword, {
			fullName: admin.displayName,
			email: admin.email,
			orgName: company.legalName,
			tenantDomain: company.domain
		});
		if (weak) {
			return {
				ok: false,
				status: 400,
				code: 'error_field_invalid',
				fields: { 'admin.password': weak }
			};
		}
		const email = normalizeEmail(admin.email);
		const emailTaken = (): InvitationFailure => ({
			ok: false,
			status: 409,
			code: 'error_email_taken',
			fields: { 'admin.email': 'error_email_taken' }
		});
		if (await accounts.store.byEmail(email)) return emailTaken();
		const domainTaken = (): InvitationFailure => ({
			ok: false,
			status: 409,
			code: 'error_domain_taken',
			fields: { 'company.domain': 'error_domain_taken' }
		});
		if (this.#domainsInFlight.has(company.domain) || (await this.#domainTaken(company.domain))) {
			return domainTaken();
		}
		this.#domainsInFlight.add(company.domain);
		try {
			return await this.#createCustomer(found, company, admin, email, emailTaken, domainTaken);
		} finally {
			this.#domainsInFlight.delete(company.domain);
		}
	}

	async #createCustomer(
		found: Found,
		company: { legalName: string; domain: string; country: string },
		admin: { displayName: string; password: string },
		email: string,
		emailTaken: () => InvitationFailure,
		domainTaken: () => InvitationFailure
	): Promise<
		InvitationAnswer<CustomerRedeemAnswer & { readonly email: string; readonly password: string }>
	> {
		const accounts = this.#deps.accounts;
		if (!accounts) return { ok: false, status: 400, code: 'invitation_kind_unsupported' };
		const passwordHash = await accounts.hash(admin.password);
		const placeholderHash = await accounts.hash(randomBytes(32).toString('base64url'));
		// One at a time in this process, and under the tenant domain's lock across the processes of
		// a cluster (the documents' locks are taken inside it: see DocumentStorage.withLocks), the
		// domain is checked again and the org written, so two requests for one domain cannot both
		// pass wherever they land.
		const turn = this.#creating.then(() =>
			this.#registry.withLocks([`tenant-domain/${company.domain}`], async () => {
				if (await this.#domainTaken(company.domain)) return domainTaken();
				return this.#writeCustomer(found, company, admin, email, emailTaken, {
					passwordHash,
					placeholderHash
				});
			})
		);
		this.#creating = turn.catch(() => undefined);
		return turn;
	}

	async #writeCustomer(
		found: Found,
		company: { legalName: string; domain: string; country: string },
		admin: { displayName: string; password: string },
		email: string,
		emailTaken: () => InvitationFailure,
		hashes: { passwordHash: string; placeholderHash: string }
	): Promise<
		InvitationAnswer<CustomerRedeemAnswer & { readonly email: string; readonly password: string }>
	> {
		const accounts = this.#deps.accounts;
		if (!accounts) return { ok: false, status: 400, code: 'invitation_kind_unsupported' };
		const { passwordHash, placeholderHash } = hashes;
		const orgId = newId();
		const userId = newId();
		// Checked again after the slow hashes: two requests for one email cannot both pass (between
		// processes the store's unique email decides).
		const created = await accounts.create({
			id: userId,
			email,
			orgId,
			fullName: admin.displayName,
			passwordHash,
			mustChangePassword: false,
			temporaryExpiresAt: null
		});
		if (!created) return emailTaken();
		const actor: Actor = { userId, orgId, roles: NEW_CUSTOMER_ROLES };
		const newOrg: NewCustomerOrg = {
			orgId,
			userId,
			legalName: company.legalName,
			domain: company.domain,
			country: company.country,
			email,
			displayName: admin.displayName,
			placeholderHash,
			placeholderExpiresAt: this.#now()
		};
		let answered: InvitationAnswer<CustomerRedeemAnswer>;
		try {
			answered = await this.#answerCustomer(found, actor, 'accept', newOrg);
		} catch (error) {
			await accounts.store.removeUnused(userId);
			throw error;
		}
		if (!answered.ok) {
			// Refused under the locks (the link was used or revoked meanwhile): nothing of the org was
			// written, so neither is the account (its email stays free).
			await accounts.store.removeUnused(userId);
			this.#log.warn(
				{ invitation: found.invitation.invitationId, code: answered.code },
				'new customer account not created: the link closed meanwhile'
			);
			return answered;
		}
		this.#deps.onNewOrg?.(orgId);
		this.#log.info(
			{ org: orgId, invitation: found.invitation.invitationId },
			'customer account created'
		);
		return { ok: true, body: { ...answered.body, email, password: admin.password } };
	}

	/**
	 * The customer's answer to a customer link: `invitation.redeemed` in the reseller's invitations,
	 * then in `customer/<id>` (created from the org profile if it has none yet) the request (system)
	 * and the answer by the customer's user, decided and stored together. With `newOrg`, the new
	 * org's document is written in the same decision.
	 */
	async #answerCustomer(
		found: Found,
		actor: Actor,
		answer: CustomerAnswer,
		newOrg: NewCustomerOrg | null
	): Promise<InvitationAnswer<CustomerRedeemAnswer>> {
		const customerId = actor.orgId;
		const customerRef: DocumentRef = { kind: 'customer', customerId };
		// Everything the decision reads besides the locked documents is read before it (it needs no
		// await): the customer's org profile and the provider's name.
		const profile = newOrg ? null : await this.#orgProfile(customerId);
		const orgProfile = newOrg
			? { kind: 'customer' as const, country: newOrg.country, tenant: null }
			: profile;
		const combined = found.invitation.kind === 'customerWithProvider';
		const providerId = combined ? found.invitation.providerId : null;
		const command: CustomerLinkAnswer = {
			invitationId: found.invitation.invitationId,
			tokenHash: found.tokenHash,
			inviterOrgId: found.orgId,
			inviter: found.org,
			customerId,
			customerOrgKind: orgProfile?.kind ?? null,
			customerProfileCountry: orgProfile?.tenant?.country ?? orgProfile?.country ?? null,
			actor,
			answer,
			relationshipId: newId(),
			providerId,
			providerName: providerId
				? ((await this.#orgProfile(providerId))?.legalName ?? providerId)
				: null,
			tenant: newOrg
				? { legalName: newOrg.legalName, domain: newOrg.domain, country: newOrg.country }
				: profile?.tenant
					? {
							legalName: profile.legalName,
							domain: profile.tenant.domain,
							country: profile.tenant.country
						}
					: null,
			newOrg
		};
		const existing = await this.#registry.current(customerRef);
		const early = customerAnswerRefusal(
			command,
			found.invitation,
			found.standing,
			existing,
			await this.#partnershipFor(found),
			this.#now()
		);
		if (early) return refusal(early);
		// A customer document comes from the org's tenant: without either there is no tenant to serve.
		const hasTenant = existing?.kind === 'customer' && existing.customer !== null;
		if (!newOrg && !hasTenant && !profile?.tenant) return refusal('wrongOrgKind');

		const result = await this.#registry.appendAtomically<RedemptionRefusal | null>(
			customerAnswerDocuments(command),
			(states) =>
				settled(decideCustomerAnswer(command, states, this.#clock.now(this.#now()), this.#event)),
			(event) =>
				(event as { by?: { userId?: string } }).by?.userId === actor.userId ? actor : SYSTEM_ACTOR
		);
		if (!result.ok) {
			this.#log.error(
				{ code: result.code, invitation: found.invitation.invitationId },
				'customer invitation answer not written'
			);
			throw new Error(`customer invitation answer refused by the registry: ${result.code}`);
		}
		if (result.refused) return refusal(result.value ?? 'notFound');
		this.#log.info(
			{
				invitation: found.invitation.invitationId,
				reseller: found.orgId,
				customer: customerId,
				answer
			},
			'customer invitation answered'
		);
		return {
			ok: true,
			body: {
				document: documentName(customerRef),
				customerId,
				resellerId: found.orgId,
				providerId,
				relationshipId: command.relationshipId,
				answer
			}
		};
	}

	async #orgProfile(orgId: string): Promise<Organization | null> {
		const state = await this.#registry.current({ kind: 'org', orgId });
		return state?.kind === 'org' ? state.org : null;
	}

	/** The partnership a combined link names (undefined for other links, or when it never existed). */
	async #partnershipFor(found: Found): Promise<PartnershipDocumentState | undefined> {
		const { invitation } = found;
		if (invitation.kind !== 'customerWithProvider' || !invitation.providerId) return undefined;
		const state = await this.#registry.current({
			kind: 'partnership',
			providerId: invitation.providerId,
			resellerId: found.orgId
		});
		return state?.kind === 'partnership' ? state : undefined;
	}

	/**
	 * Whether an organization already has this tenant domain (each tenant's domain is its own). A
	 * cluster's processes write new orgs under the domain's lock, and this reads what the store has.
	 */
	async #domainTaken(domain: string): Promise<boolean> {
		for (const name of await this.#registry.names()) {
			const ref = this.#registry.policy.parse(name);
			if (ref?.kind !== 'org') continue;
			const state = await this.#registry.current(ref);
			if (state?.kind === 'org' && state.org?.tenant?.domain === domain) return true;
		}
		return false;
	}

	/** The one pending-or-closed invitation this token opens, or why there is none. */
	async #find(token: unknown): Promise<Found | InvitationFailure> {
		const shaped = invitationToken.safeParse(token);
		if (!shaped.success) return TOKEN_INVALID;
		const tokenHash = invitationTokenHash(shaped.data);
		const matches: Found[] = [];
		for (const entry of await this.#index.find(tokenHash)) {
			const sent = await this.#registry.current({ kind: 'invitations', orgId: entry.orgId });
			if (sent?.kind !== 'invitations') continue;
			const state = await this.#registry.current({ kind: 'org', orgId: entry.orgId });
			if (state?.kind !== 'org' || !state.org) continue;
			const invitation = invitationWithHash(sent, entry.invitationId, tokenHash);
			if (invitation) {
				matches.push({
					orgId: entry.orgId,
					org: state.org,
					invitation,
					tokenHash,
					standing: partnerStanding(state)
				});
			}
		}
		if (matches.length > 1) {
			// 256 random bits never collide: one of these copied another org's hash (it could read it as
			// a partner). Nobody gets to use the link rather than the wrong org getting it.
			this.#log.warn(
				{ invitations: matches.map((m) => `${m.orgId}/${m.invitation.invitationId}`) },
				'one invitation token hash in several invitations; refused'
			);
		}
		return matches.length === 1 && matches[0] ? matches[0] : refusal('notFound');
	}
}

/** A decider's answer as the registry takes it (nothing to hand back beyond the events). */
function settled(
	decision: Decision<RedemptionRefusal>
):
	| { readonly events: readonly (readonly unknown[])[]; readonly value: null }
	| { readonly refused: RedemptionRefusal } {
	return 'refused' in decision ? decision : { events: decision.events, value: null };
}

function isGuess(found: Found | InvitationFailure): boolean {
	return (
		!('invitation' in found) &&
		(found.code === 'invitation_not_found' || found.code === 'invitation_token_invalid')
	);
}

function lowerCase(value: unknown): unknown {
	return typeof value === 'string' ? value.trim().toLowerCase() : value;
}
