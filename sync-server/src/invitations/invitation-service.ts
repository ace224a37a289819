// Invitation links as capabilities: looks a link's token up (by its hash, through the index) and
// redeems it for the signed-in user's org by writing the server's events in the inviting org's
// document and the partnership's, together. Tokens are never stored or logged, only hashed.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { HybridLogicalClock, hlcMillis } from '$lib/domain/clock';
import { documentName } from '$lib/domain/documents';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import type { Invitation, Organization } from '$lib/domain/model';
import {
	invitationClosedReason,
	invitationWithHash,
	redemptionRefusal,
	type RedemptionRefusal
} from '$lib/flows/invitation-redemption';
import type { DocumentProjection } from '$lib/flows/projection';
import { newId } from '../accounts/tokens.js';
import { SYSTEM_ACTOR, type Viewer } from '../authorize.js';
import type { InvitationCode } from '../codes.js';
import type { DocumentRegistry } from '../docs/document-registry.js';
import { WindowBudget, type AddressBudget, type BudgetSettings } from '../http/window-budget.js';
import type { InvitationIndex } from './invitation-index.js';

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

/**
 * A link token as the app makes it: base64url of at least 128 random bits (22 characters; the app
 * uses 32 bytes, 43 characters). Anything else was mangled on the way.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

/** The hash an `invitation.created` event carries: hex SHA-256 of the token's UTF-8 bytes. */
export function invitationTokenHash(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface InvitationFailure {
	readonly ok: false;
	readonly status: 400 | 403 | 404 | 409 | 410 | 429;
	readonly code: InvitationCode;
	readonly retryAfterSeconds?: number;
}

export interface LookupBody {
	readonly invitationId: string;
	readonly kind: Invitation['kind'];
	readonly from: { readonly orgId: string; readonly name: string; readonly orgKind: string };
	/** epoch ms, as in the invitation's event */
	readonly expiresAt: number;
	readonly status: 'pending';
}

export interface RedeemBody {
	readonly document: string;
	readonly providerId: string;
	readonly resellerId: string;
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
	alreadyPartnered: { status: 409, code: 'invitation_already_partnered' }
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
}

export interface InvitationDeps {
	readonly registry: DocumentRegistry;
	readonly index: InvitationIndex;
	readonly log: Logger;
	readonly limits?: Partial<InvitationLimits>;
	/** the per-address budget (a cluster shares it through Redis); in this process by default */
	readonly budget?: (settings: BudgetSettings) => AddressBudget;
	readonly now?: () => number;
}

export class InvitationService {
	readonly #registry: DocumentRegistry;
	readonly #index: InvitationIndex;
	readonly #log: Logger;
	readonly #limits: InvitationLimits;
	readonly #budget: AddressBudget;
	readonly #now: () => number;
	readonly #clock = new HybridLogicalClock('sync-server-invitations');

	constructor(deps: InvitationDeps) {
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
	async lookup(address: string, token: unknown): Promise<InvitationAnswer<LookupBody>> {
		const found = await this.#find(token);
		await this.charge(address, isGuess(found));
		if (!('invitation' in found)) return found;
		const { invitation, org, orgId } = found;
		const closed = invitationClosedReason(invitation, this.#now());
		if (closed) return refusal(closed);
		return {
			ok: true,
			body: {
				invitationId: invitation.invitationId,
				kind: invitation.kind,
				from: { orgId, name: org.legalName, orgKind: org.kind },
				expiresAt: invitation.expiresAt,
				status: 'pending'
			}
		};
	}

	/**
	 * Redeems a link for `viewer`'s org: `invitation.redeemed` in the inviting org's document and
	 * `partnership.invited` in `partnership/<inviter>/<redeemer>`, decided and stored together.
	 */
	async redeem(
		address: string,
		token: unknown,
		viewer: Viewer
	): Promise<InvitationAnswer<RedeemBody>> {
		const found = await this.#find(token);
		await this.charge(address, isGuess(found));
		if (!('invitation' in found)) return found;
		const redeemerOrgId = viewer.orgId;
		// The redeemer's org and roles are read once, before the inviter's and the partnership's
		// documents are locked (the decision itself needs no await).
		const redeemerOrg = await this.#registry.current({ kind: 'org', orgId: redeemerOrgId });
		const redeemerOrgKind = redeemerOrg?.kind === 'org' ? (redeemerOrg.org?.kind ?? null) : null;
		const redeemerRoles = (await this.#registry.currentActorOf(viewer)).roles;
		const context = (
			invitation: Invitation,
			partnership: DocumentProjection | undefined,
			now: number
		) => ({
			invitation,
			inviterOrgId: found.orgId,
			redeemerOrgId,
			redeemerOrgKind,
			redeemerRoles,
			partnership: partnership?.kind === 'partnership' ? partnership : undefined,
			now
		});
		// Answer what can be answered without touching anything (an org inviting itself has no
		// partnership document to lock).
		const ref = {
			kind: 'partnership',
			providerId: found.orgId,
			resellerId: redeemerOrgId
		} as const;
		const early = redemptionRefusal(
			context(found.invitation, await this.#registry.current(ref), this.#now())
		);
		if (early) return refusal(early);

		const inviterName = documentName({ kind: 'org', orgId: found.orgId });
		const partnershipName = documentName(ref);
		const system = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID };
		const result = await this.#registry.appendAtomically<RedemptionRefusal | null>(
			[inviterName, partnershipName],
			([inviter, partnership]) => {
				// Decided again under the documents' locks: a revocation or another redemption may have
				// landed since.
				const invitation =
					inviter?.kind === 'org'
						? invitationWithHash(inviter, found.invitation.invitationId, found.tokenHash)
						: null;
				if (!invitation) return { refused: 'notFound' };
				const at = this.#clock.now(this.#now());
				const refused = redemptionRefusal(context(invitation, partnership, hlcMillis(at)));
				if (refused) return { refused };
				const { invitationId, expiresAt } = invitation;
				return {
					events: [
						[
							{
								id: newId(),
								type: 'invitation.redeemed',
								at,
								by: system,
								payload: { invitationId, orgId: redeemerOrgId }
							}
						],
						[
							{
								id: newId(),
								type: 'partnership.invited',
								at,
								by: system,
								payload: { invitationId, expiresAt }
							}
						]
					],
					value: null
				};
			},
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
			body: { document: partnershipName, providerId: found.orgId, resellerId: redeemerOrgId }
		};
	}

	/** The one pending-or-closed invitation this token opens, or why there is none. */
	async #find(token: unknown): Promise<Found | InvitationFailure> {
		if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return TOKEN_INVALID;
		const tokenHash = invitationTokenHash(token);
		const matches: Found[] = [];
		for (const entry of await this.#index.find(tokenHash)) {
			const state = await this.#registry.current({ kind: 'org', orgId: entry.orgId });
			if (state?.kind !== 'org' || !state.org) continue;
			const invitation = invitationWithHash(state, entry.invitationId, tokenHash);
			if (invitation) matches.push({ orgId: entry.orgId, org: state.org, invitation, tokenHash });
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

function isGuess(found: Found | InvitationFailure): boolean {
	return (
		!('invitation' in found) &&
		(found.code === 'invitation_not_found' || found.code === 'invitation_token_invalid')
	);
}
