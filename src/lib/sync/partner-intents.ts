// What a provider and a reseller do to their partnership, as events and API calls: create and
// revoke reseller invitations (the link's token is made here and only its hash is stored), look up
// and redeem a link, authorize the indirect provider, remove its admin access, withdraw or end it.
import { liveQuery } from 'dexie';
import { z } from 'zod';
import { db } from '$lib/db/db';
import { documentName } from '$lib/domain/documents';
import { createIdGenerator } from '$lib/domain/ids';
import { INVITATION_LIFETIME_MS } from '$lib/flows/partnership/partner-lists';
import {
	INVITATION_PATHS,
	lookupAnswer,
	resellerRedeemAnswer,
	type LookupAnswer,
	type ResellerRedeemAnswer
} from '$lib/protocol/invitation-api';
import { ApiError, callJson, UnreachableError } from './api-client';
import { invitationTokenHash, newInvitationToken } from './invitation-token';
import type { AppendResult } from './sync-engine';
import { serverDecision } from './decision.svelte';
import { syncClient } from './sync-client.svelte';

const newInvitationId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

export type CreatedInvitation =
	| { ok: true; invitationId: string; eventId: string; token: string; expiresAt: number }
	| { ok: false; code: string };

/** What a new link invites: a reseller, a customer, or a customer for the reseller and a provider. */
export type InvitationTarget =
	| { kind: 'reseller' }
	| { kind: 'customer' }
	| { kind: 'customerWithProvider'; providerId: string };

const CREATED_SUMMARY = {
	reseller: 'data_summary_invitation_created',
	customer: 'data_summary_customer_invitation_created',
	customerWithProvider: 'data_summary_customer_invitation_created'
} as const;

/**
 * A new invitation link in the inviting org's invitations document (works offline): the token is
 * made here and only its hash is stored.
 */
export async function createInvitation(
	orgId: string,
	target: InvitationTarget
): Promise<CreatedInvitation> {
	const token = newInvitationToken();
	const invitationId = newInvitationId();
	const expiresAt = Date.now() + INVITATION_LIFETIME_MS;
	const result = await syncClient.append(
		documentName({ kind: 'invitations', orgId }),
		'invitation.created',
		{ invitationId, ...target, tokenHash: await invitationTokenHash(token), expiresAt },
		{ key: CREATED_SUMMARY[target.kind], params: {} }
	);
	return result.ok ? { ok: true, invitationId, eventId: result.eventId, token, expiresAt } : result;
}

/** Invite reseller: a new link in the provider's invitations document. */
export function createResellerInvitation(orgId: string): Promise<CreatedInvitation> {
	return createInvitation(orgId, { kind: 'reseller' });
}

export function revokeInvitation(orgId: string, invitationId: string): Promise<AppendResult> {
	return syncClient.append(
		documentName({ kind: 'invitations', orgId }),
		'invitation.revoked',
		{ invitationId },
		{ key: 'data_summary_invitation_revoked', params: {} }
	);
}

/** Records whom a link's draft email was sent to (its To), so its row tells it apart. */
export function addressInvitation(
	orgId: string,
	invitationId: string,
	recipient: string
): Promise<AppendResult> {
	return syncClient.append(
		documentName({ kind: 'invitations', orgId }),
		'invitation.addressed',
		{ invitationId, recipient },
		{ key: 'data_summary_invitation_addressed', params: { recipient } }
	);
}

/** The reseller ticked the box and selected Authorize indirect provider. */
export function authorizeIndirectProvider(
	doc: string,
	providerName: string
): Promise<AppendResult> {
	return syncClient.append(
		doc,
		'partnership.authorized',
		{ acknowledged: true },
		{ key: 'data_summary_partnership_authorized', params: { name: providerName } }
	);
}

export function removeAdminAccess(doc: string, providerName: string): Promise<AppendResult> {
	return syncClient.append(
		doc,
		'partnership.adminAccessRemoved',
		{},
		{ key: 'data_summary_admin_access_removed', params: { name: providerName } }
	);
}

export function endPartnership(doc: string, partnerName: string): Promise<AppendResult> {
	return syncClient.append(
		doc,
		'partnership.ended',
		{},
		{ key: 'data_summary_partnership_ended', params: { name: partnerName } }
	);
}

/** The provider withdraws a redeemed invitation the reseller has not authorized yet. */
export function withdrawPartnership(doc: string, resellerName: string): Promise<AppendResult> {
	return syncClient.append(
		doc,
		'partnership.revoked',
		{},
		{ key: 'data_summary_partnership_withdrawn', params: { name: resellerName } }
	);
}

export type InvitationLookup = LookupAnswer;
export type InvitationRedemption = ResellerRedeemAnswer;

export type ApiOutcome<T> =
	{ ok: true; value: T } | { ok: false; code: string; status: number; retryAfterSeconds?: number };

export async function call<T>(
	path: string,
	schema: z.ZodType<T>,
	body: Record<string, unknown>
): Promise<ApiOutcome<T>> {
	try {
		return { ok: true, value: await callJson('POST', path, schema, body) };
	} catch (error) {
		if (error instanceof ApiError) {
			return {
				ok: false,
				code: error.code,
				status: error.status,
				...(error.retryAfterSeconds !== undefined
					? { retryAfterSeconds: error.retryAfterSeconds }
					: {})
			};
		}
		if (error instanceof UnreachableError) {
			return { ok: false, code: 'partners_invitation_offline', status: 0 };
		}
		return { ok: false, code: 'error_unexpected', status: 0 };
	}
}

/** Who is asking, without signing in (the server answers only for a link it knows). */
export function lookupInvitation(token: string): Promise<ApiOutcome<InvitationLookup>> {
	return call(INVITATION_PATHS.lookup, lookupAnswer, { token });
}

/** Uses the link for the signed-in user's org: the server opens the partnership document. */
export function redeemInvitation(token: string): Promise<ApiOutcome<InvitationRedemption>> {
	return call(INVITATION_PATHS.redeem, resellerRedeemAnswer, { token });
}

/**
 * Resolves once the partnership document `doc` is on this device with the invitation `invitationId`
 * pending (the server opened it on redeem; the engine opens it once the channel's documents list names
 * it, which the server pushes when it changes).
 * Waits as long as it takes: offline, it goes on once the device is back.
 */
export function waitForInvitedPartnership(doc: string, invitationId: string): Promise<void> {
	return new Promise((resolveWait) => {
		const subscription = liveQuery(() => db.partnerships.get(doc)).subscribe({
			next: (row) => {
				if (row?.status === 'invited' && row.invitationId === invitationId) {
					subscription.unsubscribe();
					resolveWait();
				}
			},
			error: () => {
				// A storage failure is reported by the sync client; keep waiting for the next change.
			}
		});
	});
}

/**
 * What the customer link dialog does (Request a reseller relationship, Invite new customers): make
 * the link, record whom it was sent to, follow the server's decision on it.
 */
export const customerLinkIntents = {
	create: createInvitation,
	address: addressInvitation,
	follow: serverDecision
};
