// Replays a document's log through the machines, in log order, into plain read-model data. Pure and
// deterministic: every replica that holds the same log computes byte-identical state. Who may open a
// document is access.ts; whether the server accepts an event is append-gate.ts.
import type { DocumentRef } from '$lib/domain/documents';
import { EVENT_RULES, parseEvent, type DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { SYSTEM_USER_ID } from '$lib/domain/ids';
import type { DecidingEvent } from '$lib/domain/model';
import {
	applyCustomerEvent,
	createCustomerState
} from '$lib/flows/customer/customer-document.projection';
import { applyOrgEvent, createOrgState } from '$lib/flows/organization/org-document.projection';
import {
	applyDirectoryEvent,
	createDirectoryState
} from '$lib/flows/partnership/directory-document.projection';
import {
	applyInvitationsEvent,
	createInvitationsState,
	INVITATION_EVENT_TYPES
} from '$lib/flows/partnership/invitations.projection';
import {
	applyPartnershipEvent,
	createPartnershipState
} from '$lib/flows/partnership/partnership-document.projection';
import { claimsOf, takenClaim } from './claims';
import type { DocumentProjection } from './document-state';
import { dependsOnRelationships, isAllowedWriter, isSystemAuthor } from './writers';

export interface ProjectorContext {
	/**
	 * Accepted for callers that have a clock, but never read: a projection must not depend on when it
	 * is computed, or replicas would disagree. Compare `expiresAt` fields with the reader's clock.
	 */
	readonly now?: number;
}

export interface DocumentProjector {
	/** Applies entries appended to the log, in log order (malformed ones are kept as `invalid`). */
	append(entries: readonly unknown[]): void;
	/**
	 * The read model, updated in place by `append` (treat as read-only; `length` changes on every
	 * append, so compare it to notice updates; `structuredClone` it to keep a copy).
	 */
	readonly state: DocumentProjection;
	readonly ref: DocumentRef;
}

export function emptyState(ref: DocumentRef): DocumentProjection {
	switch (ref.kind) {
		case 'org':
			return createOrgState(ref.orgId);
		case 'invitations':
			return createInvitationsState(ref.orgId);
		case 'partnership':
			return createPartnershipState(ref.providerId, ref.resellerId);
		case 'customer':
			return createCustomerState(ref.customerId);
		case 'directory':
			return createDirectoryState();
	}
}

function applyToDocument(state: DocumentProjection, event: DomainEvent): ErrorCode | null {
	const stamp = { at: event.at, by: event.by, eventId: event.id };
	switch (state.kind) {
		case 'org':
			return applyOrgEvent(state, event, stamp);
		case 'invitations':
			return applyInvitationsEvent(state, event, stamp);
		case 'partnership':
			return applyPartnershipEvent(state, event, stamp);
		case 'customer':
			return applyCustomerEvent(state, event, stamp);
		case 'directory':
			return applyDirectoryEvent(state, event, stamp);
	}
}

/** Checks every document applies before its machines: place, system authorship, party. */
function refusalBeforeMachines(
	ref: DocumentRef,
	state: DocumentProjection,
	event: DomainEvent
): ErrorCode | null {
	const rule = EVENT_RULES[event.type];
	if (rule.document !== ref.kind) return 'error_wrong_document';
	if (rule.capability === 'system' && !isSystemAuthor(event.by)) return 'error_system_only';
	if (event.by.userId === SYSTEM_USER_ID && !isSystemAuthor(event.by)) {
		return 'error_author_mismatch';
	}
	if (!dependsOnRelationships(event) && !isAllowedWriter(ref, state, event)) {
		return 'error_not_a_party';
	}
	return null;
}

/** The whole document: the subject of events that name no entity (partnership.ended, enrollment). */
const DOCUMENT_SUBJECT = 'document';

/**
 * What an event is about, for "who won": one key per entity id its payload names (tenantUserId,
 * subscriptionId, relationshipId, orderId, invitationId, userId ...), or the document itself.
 */
export function subjectsOf(event: DomainEvent): string[] {
	const keys: string[] = [];
	const collect = (fields: object) => {
		for (const [key, value] of Object.entries(fields)) {
			if (key.endsWith('Id') && typeof value === 'string') keys.push(`${key}:${value}`);
		}
	};
	for (const value of Object.values(event.payload as Record<string, unknown>)) {
		// An order's lines and its new subscriptions name the subscriptions it changes.
		if (Array.isArray(value)) {
			for (const item of value) if (item && typeof item === 'object') collect(item as object);
		}
	}
	collect(event.payload as object);
	return keys.length > 0 ? keys : [DOCUMENT_SUBJECT];
}

export function createProjector(ref: DocumentRef, _ctx?: ProjectorContext): DocumentProjector {
	const state = emptyState(ref);
	// Per subject, the latest applied event and its log index: the decider of a later refusal.
	// In memory only (bounded by the document's entities); a superseded entry keeps one copy.
	const lastApplied = new Map<string, { index: number; event: DecidingEvent }>();

	// The latest applied change to what this one is about; only when nothing earlier touched any
	// of that, the latest change to the document as a whole (never an unrelated entity's).
	function deciderOf(event: DomainEvent): DecidingEvent | undefined {
		let best: { index: number; event: DecidingEvent } | undefined;
		for (const key of subjectsOf(event)) {
			const candidate = lastApplied.get(key);
			if (candidate && (!best || candidate.index > best.index)) best = candidate;
		}
		return (best ?? lastApplied.get(DOCUMENT_SUBJECT))?.event;
	}

	function appendOne(entry: unknown): void {
		const index = state.length;
		state.length += 1;
		const parsed = parseEvent(entry);
		if (!parsed.ok) {
			const id = (entry as { id?: unknown } | null)?.id;
			state.invalid.push({
				index,
				eventId: typeof id === 'string' ? id.slice(0, 64) : null,
				code: parsed.error.code,
				path: parsed.error.path ?? null
			});
			return;
		}
		const event = parsed.event;
		const [own, ...creates] = claimsOf(event);
		if (state.claimed.has(own.key)) {
			state.invalid.push({ index, eventId: event.id, code: 'error_duplicate_event', path: 'id' });
			return;
		}
		state.claimed.add(own.key);
		// An org document's links from before they had a document of their own: history, kept in
		// its log (its id claimed) but read from the org's invitations document (neither applied
		// nor superseded here).
		if (ref.kind === 'org' && INVITATION_EVENT_TYPES.has(event.type)) return;
		// What it creates was created before (a log from before the door refused that): the first
		// creation keeps the id, this one is superseded, as the door would have refused it.
		const taken = takenClaim(creates, state.claimed);
		const code =
			taken?.code ?? refusalBeforeMachines(ref, state, event) ?? applyToDocument(state, event);
		if (code !== null) {
			const decidedBy = deciderOf(event);
			state.superseded.push({
				eventId: event.id,
				type: event.type,
				by: event.by,
				at: event.at,
				code,
				...(decidedBy ? { decidedBy } : {})
			});
			return;
		}
		// Only what exists is claimed: a refused creation created nothing.
		for (const claim of creates) state.claimed.add(claim.key);
		const applied = {
			index,
			event: { eventId: event.id, type: event.type, by: event.by, at: event.at }
		};
		for (const key of subjectsOf(event)) lastApplied.set(key, applied);
	}

	return {
		ref,
		get state() {
			return state;
		},
		append(entries) {
			for (const entry of entries) appendOne(entry);
		}
	};
}

/** The whole log at once: the same result as appending every entry in order. */
export function projectLog(ref: DocumentRef, log: readonly unknown[]): DocumentProjection {
	const projector = createProjector(ref);
	projector.append(log);
	return projector.state;
}
