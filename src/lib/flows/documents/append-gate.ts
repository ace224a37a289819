// The server's door for each event of an incoming update (and the device's own check before it
// appends): well-formed, in time, by the connection's user with the roles and the party it needs,
// claiming nothing twice, within each workflow's door rules and the partners' program standing.
import type { DocumentRef } from '$lib/domain/documents';
import { eventTimeRefusal } from '$lib/domain/clock';
import { EVENT_RULES, parseEvent, type DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { SYSTEM_USER_ID } from '$lib/domain/ids';
import { can, type Role } from '$lib/domain/permissions';
import { standingRefusalFor } from '$lib/flows/enrollment/partner-standing';
import type { RelatedProjections, Viewer } from './access';
import { claimsOf, takenClaim } from './claims';
import { doorRefusal } from './door-rules';
import type { DocumentProjection } from './document-state';
import { isAllowedWriter, isSystemAuthor } from './writers';

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
	const related = context.related;
	// Each workflow's rules at the door of this kind of document (door-rules.ts).
	const refusal = system ? null : doorRefusal(state, event, actor.roles, related);
	if (refusal) return refuse(refusal.code, refusal.message);
	// Program standing lives in the partners' own org documents, not in the one being written.
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
