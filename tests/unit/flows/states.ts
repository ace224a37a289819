// The projections the rules tests read: an org's, its invitations', a partnership's and a customer's
// document state from a log, and the codes of what each superseded, with the payloads the cases
// share.
import type {
	CustomerDocumentState,
	InvitationsDocumentState,
	OrgDocumentState,
	PartnershipDocumentState
} from '$lib/flows/documents/document-state';
import {
	customerRef,
	partnershipRef,
	project,
	PROVIDER,
	providerLinksRef,
	RESELLER,
	resellerLinksRef
} from './scenarios';

export const providerRef = { kind: 'org', orgId: PROVIDER } as const;
export const resellerRef = { kind: 'org', orgId: RESELLER } as const;

export function org(
	ref: typeof providerRef | typeof resellerRef,
	log: readonly unknown[]
): OrgDocumentState {
	const state = project(ref, log);
	if (state.kind !== 'org') throw new Error('expected an org projection');
	return state;
}

/** The links an org sent, from its invitations document's log. */
export function invitations(
	ref: typeof providerLinksRef | typeof resellerLinksRef,
	log: readonly unknown[]
): InvitationsDocumentState {
	const state = project(ref, log);
	if (state.kind !== 'invitations') throw new Error('expected an invitations projection');
	return state;
}

export function partnership(log: readonly unknown[]): PartnershipDocumentState {
	const state = project(partnershipRef, log);
	if (state.kind !== 'partnership') throw new Error('expected a partnership projection');
	return state;
}

export function customer(log: readonly unknown[]): CustomerDocumentState {
	const state = project(customerRef, log);
	if (state.kind !== 'customer') throw new Error('expected a customer projection');
	return state;
}

/** The refusal codes of what a projection superseded, in order. */
export const codes = (state: { superseded: { code: string }[] }) =>
	state.superseded.map((s) => s.code);

export const authorize = { acknowledged: true } as const;

export const newSubscription = (quantity: number) =>
	({ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity }) as const;
