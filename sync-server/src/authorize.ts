// Who may open and write which document, answered by the domain contract (src/lib/domain,
// src/lib/flows): the server holds no rules of its own, only this adapter to them.
import {
	COLLABORATIVE_PARTS,
	LOG_KEY,
	documentName,
	parseDocumentName,
	type DocumentRef
} from '$lib/domain/documents';
import type { ErrorCode } from '$lib/domain/errors';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import { can, type Role } from '$lib/domain/permissions';
import {
	accessBasis,
	accessCandidates,
	accessGrants,
	accessFor,
	type Access,
	type AccessGrant
} from '$lib/flows/documents/access';
import { checkAppends } from '$lib/flows/documents/append-gate';
import { createProjector, type DocumentProjector } from '$lib/flows/documents/projection';
import { rolesOf } from '$lib/flows/users/org-queries';
import { type DocumentProjection } from '$lib/flows/documents/document-state';
import type { ShadowSpec } from './validation/update-analysis.js';

export type { Access, DocumentProjection, DocumentProjector, DocumentRef };

export interface Viewer {
	readonly userId: string;
	readonly orgId: string;
	/** the user's roles when the caller has them (else the registry reads their org document) */
	readonly roles?: readonly Role[];
}

export interface Actor extends Viewer {
	readonly roles: readonly Role[];
}

/** The server itself, author of system events (org creation, provisioning, password changes). */
export const SYSTEM_ACTOR: Actor = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID, roles: [] };

export type AppendVerdict =
	| { readonly ok: true; readonly eventId: string }
	| { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** Looks up another document's projection (loading it if stored), for access granted elsewhere. */
export type Related = (ref: DocumentRef) => DocumentProjection | undefined;

/**
 * The policy the sync pipeline is built around. `domainPolicy` below is the real one; tests may
 * wrap it, but nothing else in the server decides who may do what.
 */
export interface AccessPolicy {
	parse(name: string): DocumentRef | null;
	name(ref: DocumentRef): string;
	project(ref: DocumentRef): DocumentProjector;
	access(ref: DocumentRef, state: DocumentProjection, viewer: Viewer, related: Related): Access;
	/** the orgs `access` could open the document to by its own state, or null for any org */
	candidates(ref: DocumentRef, state: DocumentProjection): readonly string[] | null;
	/** the other documents whose access this one's state decides, and for which org */
	grants(ref: DocumentRef): readonly AccessGrant[];
	/** all that `access` and `candidates` read of the state: access is unchanged while it is */
	basis(state: DocumentProjection): string;
	/** the viewer's current roles, from their org document's projection */
	rolesOf(orgState: DocumentProjection | undefined, userId: string): readonly Role[];
	/**
	 * The verdict on each new event of one update (or of one server write), judged together against
	 * the state before it and the server's clock `now` (no two of them may claim the same id), with
	 * `related`: other documents' projections (the partners' org documents hold their standing).
	 */
	checkAppends(
		ref: DocumentRef,
		state: DocumentProjection,
		candidates: readonly unknown[],
		/** the author of them all, or of each */
		actor: Actor | ((candidate: unknown) => Actor),
		now: number,
		related: Related
	): AppendVerdict[];
	/** top-level collaborative parts this actor may edit in this document */
	editableParts(ref: DocumentRef, actor: Actor): string[];
	shadowSpec(ref: DocumentRef): ShadowSpec;
}

export const domainPolicy: AccessPolicy = {
	parse: parseDocumentName,
	name: documentName,
	project: (ref) => createProjector(ref),
	access: (ref, state, viewer, related) => accessFor(ref, state, viewer, related),
	candidates: (ref, state) => accessCandidates(ref, state),
	grants: (ref) => accessGrants(ref),
	basis: (state) => accessBasis(state),
	rolesOf: (orgState, userId) => (orgState?.kind === 'org' ? rolesOf(orgState, userId) : []),
	checkAppends: (ref, state, candidates, actor, now, related) =>
		checkAppends(ref, state, candidates, actor, { now, related }).map((result) =>
			result.ok ? { ok: true, eventId: result.event.id } : result
		),
	editableParts: (ref, actor) =>
		COLLABORATIVE_PARTS[ref.kind]
			.filter((part) => can(actor.roles, part.capability))
			.map((part) => part.name),
	shadowSpec: (ref) => ({
		logKey: LOG_KEY,
		parts: Object.fromEntries(COLLABORATIVE_PARTS[ref.kind].map((part) => [part.name, part.type]))
	})
};

/** The id of a log entry that is not a valid event, for the refusal message (bounded). */
export function candidateId(candidate: unknown): string | null {
	const id = (candidate as { id?: unknown } | null)?.id;
	return typeof id === 'string' ? id.slice(0, 64) : null;
}
