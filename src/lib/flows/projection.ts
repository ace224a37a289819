// Replays a document's log through the machines, in log order, into plain read-model data; decides
// who may open a document (accessFor) and whether the server accepts an event (checkAppend).
// Pure and deterministic: every replica that holds the same log computes byte-identical state.
import type { DocumentRef } from '$lib/domain/documents';
import { eventTimeRefusal } from '$lib/domain/clock';
import { EVENT_RULES, parseEvent, type DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import {
	can,
	mayManageUser,
	mayReadDocument,
	OTHER_ORG_READERS,
	readProfile,
	type Capability,
	type Role
} from '$lib/domain/permissions';
import { mayInvite } from '$lib/domain/rules';
import { isDeviceHash } from '$lib/domain/temporary-password';
import { claimsOf, takenClaim } from './claims';
import { applyCustomerEvent, createCustomerState } from './customer-document.projection';
import { isLive, isProviderOfRecord, isResellerOfRecord } from './customer-queries';
import { applyDirectoryEvent, createDirectoryState } from './directory-document.projection';
import type { DecidingEvent } from '$lib/domain/model';
import type { DocumentProjection, OrgDocumentState } from './document-state';
import { applyOrgEvent, createOrgState } from './org-document.projection';
import { isUserLive, losesLastGlobalAdmin, rolesOf } from './org-queries';
import { applyPartnershipEvent, createPartnershipState } from './partnership-document.projection';
import { standingRefusalFor } from './partner-standing';
import { dependsOnRelationships, isAllowedWriter, isSystemAuthor } from './writers';

export type * from './document-state';
export { rolesOf } from './org-queries';

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

export type Access = 'none' | 'read' | 'write';

export interface Viewer {
	readonly userId: string;
	readonly orgId: string;
	/**
	 * The user's roles, from their org document: reads follow roles (DOCUMENT_READERS). Absent only
	 * for a question about the org as a whole (the server's listing index keeps one row per org
	 * and asks again, with the user's roles, when it serves a user's list).
	 */
	readonly roles?: readonly Role[];
}

/** Whether the viewer's roles (when the question is about a user) include one of `capabilities`. */
function rolesAllow(viewer: Viewer, capabilities: readonly Capability[]): boolean {
	const roles = viewer.roles;
	return roles === undefined || capabilities.some((capability) => can(roles, capability));
}

/**
 * Whether the server made this a customer's document: it holds the tenant (`customer.created`) or
 * a relationship the customer was asked for, both written only for an org of kind customer. Until
 * then the org named in it is no customer of it (a provider or reseller opening `customer/<its own
 * id>` would otherwise get a customer document of its own to write).
 */
function isCustomerDocument(state: DocumentProjection): boolean {
	return (
		state.kind === 'customer' &&
		(state.customer !== null || Object.keys(state.relationships).length > 0)
	);
}

/** Other documents' projections, for access that another document grants (partnerships). */
export type RelatedProjections = (ref: DocumentRef) => DocumentProjection | undefined;

const REVIEWABLE = new Set([
	'emailVerificationPending',
	'underReview',
	'infoRequested',
	'rejected',
	'adminAgentCheck',
	'ready'
]);

/**
 * Who may open a document (DESIGN.md "Documents"). Access lists are projections of the logs: an
 * accepted reseller relationship opens the customer document to that reseller, a redeemed provider
 * invitation opens the partnership to both sides, a submitted application opens the applicant's org
 * document to the program operator, and an authorized provider with admin access may read its
 * reseller's org document (pass `related` to let it look at the partnership). Reads follow roles:
 * a user of a party whose roles give no capability over the kind of document gets none of it.
 */
export function accessFor(
	ref: DocumentRef,
	state: DocumentProjection,
	viewer: Viewer,
	related?: RelatedProjections
): Access {
	if (viewer.userId === SYSTEM_USER_ID) return viewer.orgId === PROGRAM_ORG_ID ? 'write' : 'none';
	if (viewer.roles !== undefined && !mayReadDocument(viewer.roles, ref.kind)) return 'none';
	return partyAccess(ref, state, viewer, related);
}

/** What the viewer's org may do with the document as a party to it (and, for other orgs, its roles). */
function partyAccess(
	ref: DocumentRef,
	state: DocumentProjection,
	viewer: Viewer,
	related?: RelatedProjections
): Access {
	switch (ref.kind) {
		case 'org': {
			if (state.kind !== 'org') return 'none';
			if (viewer.orgId === ref.orgId) {
				const user = state.users[viewer.userId];
				// Before the log names its users (a brand-new org), the server's account decides.
				return user === undefined || isUserLive(user) ? 'write' : 'none';
			}
			if (viewer.orgId === PROGRAM_ORG_ID && REVIEWABLE.has(state.enrollment.status)) {
				return rolesAllow(viewer, OTHER_ORG_READERS.program) ? 'write' : 'none';
			}
			if (!rolesAllow(viewer, OTHER_ORG_READERS.provider)) return 'none';
			const partnership = related?.({
				kind: 'partnership',
				providerId: viewer.orgId,
				resellerId: ref.orgId
			});
			if (partnership?.kind === 'partnership' && partnership.partnership.adminAccess) return 'read';
			return 'none';
		}
		case 'partnership': {
			if (state.kind !== 'partnership') return 'none';
			if (viewer.orgId !== ref.providerId && viewer.orgId !== ref.resellerId) return 'none';
			const status = state.partnership.status;
			if (status === 'none') return 'none';
			return status === 'invited' || status === 'authorized' || status === 'adminAccessRemoved'
				? 'write'
				: 'read';
		}
		case 'customer': {
			if (state.kind !== 'customer') return 'none';
			if (viewer.orgId === ref.customerId) return isCustomerDocument(state) ? 'write' : 'none';
			return isResellerOfRecord(state, viewer.orgId) || isProviderOfRecord(state, viewer.orgId)
				? 'write'
				: 'none';
		}
		case 'directory':
			return viewer.orgId === PROGRAM_ORG_ID ? 'write' : 'read';
	}
}

/**
 * Everything of a document's state that `accessFor` and `accessCandidates` read, as one string: two
 * states with the same basis open the document, and the documents whose access looks at it (an
 * org document at its partnerships), to the same orgs and users. The server re-decides access and
 * its listing only when a document's basis changes, not on every edit (most change none of it).
 */
export function accessBasis(state: DocumentProjection): string {
	switch (state.kind) {
		case 'org':
			// Users' roles too, as what they open: the org's users read other documents by them.
			return JSON.stringify([
				REVIEWABLE.has(state.enrollment.status),
				Object.entries(state.users).map(([userId, user]) => [
					userId,
					isUserLive(user),
					readProfile(rolesOf(state, userId))
				])
			]);
		case 'partnership':
			return JSON.stringify([state.partnership.status, state.partnership.adminAccess]);
		case 'customer':
			return JSON.stringify([
				isCustomerDocument(state),
				Object.values(state.relationships).map((relationship) => [
					relationship.resellerId,
					relationship.providerId ?? null,
					isLive(relationship),
					relationship.status === 'active'
				])
			]);
		case 'directory':
			return '';
	}
}

/**
 * Every org `accessFor` could open `ref` to (as an org, whichever its user) by its own state; null
 * when that can be any org (the directory opens to everyone). Access another document grants is
 * named by that document (`accessGrants`: a partnership opens its reseller's org document to the
 * provider), so an org document's parties are itself and the program, however many orgs there are.
 * Lets the server re-decide a busy document's listing for its few parties instead of every org.
 */
export function accessCandidates(
	ref: DocumentRef,
	state: DocumentProjection
): readonly string[] | null {
	switch (ref.kind) {
		case 'partnership':
			return [ref.providerId, ref.resellerId];
		case 'customer': {
			if (state.kind !== 'customer') return [ref.customerId];
			const parties = new Set([ref.customerId]);
			for (const relationship of Object.values(state.relationships)) {
				parties.add(relationship.resellerId);
				if (relationship.providerId) parties.add(relationship.providerId);
			}
			return [...parties];
		}
		case 'org':
			return [ref.orgId, PROGRAM_ORG_ID];
		case 'directory':
			return null;
	}
}

/** A document whose access for `orgId` another document's state decides (see `accessGrants`). */
export interface AccessGrant {
	readonly ref: DocumentRef;
	readonly orgId: string;
}

/**
 * The access `ref`'s state decides in other documents, beyond their own candidates: a partnership
 * with admin access opens the reseller's org document to its provider (see `partyAccess`). When
 * `ref`'s basis changes, these are re-decided for these orgs.
 */
export function accessGrants(ref: DocumentRef): readonly AccessGrant[] {
	return ref.kind === 'partnership'
		? [{ ref: { kind: 'org', orgId: ref.resellerId }, orgId: ref.providerId }]
		: [];
}

export interface Actor extends Viewer {
	readonly roles: readonly Role[];
}

export type AppendCheck =
	| { readonly ok: true; readonly event: DomainEvent }
	| { readonly ok: false; readonly code: ErrorCode; readonly message: string };

function refuse(code: ErrorCode, message: string): AppendCheck {
	return { ok: false, code, message };
}

export interface AppendContext {
	/**
	 * The server's clock: with it, an event stamped beyond the allowed skew ahead of it, or older
	 * than new work may be, is refused (`eventTimeRefusal`). The device leaves it out: its own
	 * clock made the stamp.
	 */
	readonly now?: number;
	/** keys claimed by the events ahead of this one in the same update (`checkAppends`) */
	readonly claimedBefore?: ReadonlySet<string>;
	/**
	 * The other documents' projections (a partner's org document: its program standing). The
	 * server always passes it; without it standing is not judged.
	 */
	readonly related?: RelatedProjections;
}

/**
 * The server's gate for each event of an incoming update: well-formed, stamped in time, written by
 * the connection's user, allowed by their roles, in the right document and by a party to it,
 * claiming no id the document (or the update) already holds (an event id, an order, a user... once
 * created is never created again), and (given `related`, the other documents' projections: the
 * server always passes it) by partners the program admitted. Refusals that concurrent offline work
 * can cause (an acceptance after a revocation…) are left to the projection.
 */
export function checkAppend(
	ref: DocumentRef,
	state: DocumentProjection,
	candidate: unknown,
	actor: Actor,
	context: AppendContext = {}
): AppendCheck {
	const parsed = parseEvent(candidate);
	if (!parsed.ok) return refuse(parsed.error.code, parsed.error.message);
	const event = parsed.event;
	if (event.by.userId !== actor.userId || event.by.orgId !== actor.orgId) {
		return refuse('error_author_mismatch', 'by must be the signed-in user and org');
	}
	if (context.now !== undefined) {
		const late = eventTimeRefusal(event.at, context.now);
		if (late) return refuse(late, `at ${event.at} is out of bounds of the server's clock`);
	}
	const rule = EVENT_RULES[event.type];
	const system = isSystemAuthor(event.by);
	if (actor.userId === SYSTEM_USER_ID && !system) {
		return refuse('error_author_mismatch', 'the system writes as the program');
	}
	if (rule.capability === 'system' && !system) {
		return refuse('error_system_only', `${event.type} is written by the server only`);
	}
	if (!system && rule.capability !== 'system' && !can(actor.roles, rule.capability)) {
		return refuse('error_missing_capability', `${event.type} needs ${rule.capability}`);
	}
	if (rule.document !== ref.kind) {
		return refuse('error_wrong_document', `${event.type} belongs in a ${rule.document} document`);
	}
	if (!system && !isAllowedWriter(ref, state, event)) {
		return refuse('error_not_a_party', `${actor.orgId} may not write ${event.type} here`);
	}
	const taken = takenClaim(claimsOf(event), state.claimed, context.claimedBefore);
	if (taken) return refuse(taken.code, `${taken.key} is already in this document`);
	if (!system && state.kind === 'org') {
		const refusal = checkOrgRules(state, event, actor);
		if (refusal) return refusal;
	}
	// Program standing lives in the partners' own org documents, not in the one being written.
	const related = context.related;
	const standing =
		system || !related
			? null
			: standingRefusalFor(ref, state, event, (orgId) => related({ kind: 'org', orgId }));
	if (standing) {
		return refuse(standing, `${event.type} is a partner action the program has not admitted`);
	}
	return { ok: true, event };
}

/**
 * `checkAppend` for every new event of one update, in order: each is also checked against the
 * claims of those ahead of it, so one update cannot carry two copies of an id (all of them are
 * judged against the state before the update).
 */
export function checkAppends(
	ref: DocumentRef,
	state: DocumentProjection,
	candidates: readonly unknown[],
	/** the author of them all, or of each (the server's decisions that write for several) */
	actor: Actor | ((candidate: unknown) => Actor),
	context: Omit<AppendContext, 'claimedBefore'> = {}
): AppendCheck[] {
	const claimedBefore = new Set<string>();
	return candidates.map((candidate) => {
		const author = typeof actor === 'function' ? actor(candidate) : actor;
		const check = checkAppend(ref, state, candidate, author, { ...context, claimedBefore });
		if (check.ok) for (const claim of claimsOf(check.event)) claimedBefore.add(claim.key);
		return check;
	});
}

/**
 * Org rules checked at the door: org kinds, who may touch a Global admin, the shape of a device-made
 * temporary password hash, and (against the state the server holds now) the last Global admin.
 */
function checkOrgRules(
	state: OrgDocumentState,
	event: DomainEvent,
	actor: Actor
): AppendCheck | null {
	const kind = state.org?.kind;
	if (event.type === 'invitation.created' && kind && !mayInvite(kind, event.payload.kind)) {
		return refuse(
			'error_wrong_org_kind',
			`a ${kind} may not send ${event.payload.kind} invitations`
		);
	}
	if (
		event.type.startsWith('enrollment.') &&
		EVENT_RULES[event.type].writer === 'member' &&
		kind &&
		kind !== 'indirectReseller'
	) {
		return refuse('error_wrong_org_kind', 'only indirect resellers enroll');
	}
	if (event.type.startsWith('user.') && 'userId' in event.payload) {
		const before = event.type === 'user.added' ? [] : rolesOf(state, event.payload.userId);
		const after = 'roles' in event.payload ? event.payload.roles : before;
		if (!mayManageUser(actor.roles, before, after)) {
			return refuse('error_global_admin_required', 'only a Global admin manages Global admins');
		}
	}
	if (event.type === 'user.added' && !isDeviceHash(event.payload.temporaryPassword.hash)) {
		return refuse(
			'error_password_hash_invalid',
			'a temporary password is a pbkdf2-sha256 hash with at least 100000 iterations'
		);
	}
	const demotes =
		event.type === 'user.rolesChanged'
			? event.payload.roles
			: event.type === 'user.disabled' || event.type === 'user.removed'
				? null
				: undefined;
	if (
		demotes !== undefined &&
		'userId' in event.payload &&
		losesLastGlobalAdmin(state, event.payload.userId, demotes)
	) {
		return refuse('error_last_global_admin', 'the org would have no active Global admin');
	}
	return null;
}
