// The rules a document's door checks for a member's event, by document kind: one per workflow that
// writes in it, each next to the machine whose guards decide the same in log order (the system's
// own events are not judged). The door refuses at once what the log would only supersede.
import type { DocumentKind } from '$lib/domain/documents';
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { Role } from '$lib/domain/permissions';
import { enrollmentDoorRule } from '$lib/flows/enrollment/enrollment.machine';
import { invitationDoorRule } from '$lib/flows/partnership/invitation.machine';
import { userDoorRule } from '$lib/flows/users/user-onboarding.machine';
import type { RelatedProjections } from './access';
import type { DocumentProjection } from './document-state';

/** Why the door refuses an event, with a message for the server's log. */
export interface DoorRefusal {
	readonly code: ErrorCode;
	readonly message: string;
}

/**
 * A workflow's rule at the door of a document whose state is `S`: judged against the state the
 * server holds now, the author's roles and, when given (the server always gives them), the other
 * documents' projections (an org's kind is in its own org document).
 */
export type DoorRule<S extends DocumentProjection> = (
	state: S,
	event: DomainEvent,
	roles: readonly Role[],
	related?: RelatedProjections
) => DoorRefusal | null;

type StateOfKind<K extends DocumentKind> = Extract<DocumentProjection, { kind: K }>;

const DOOR_RULES: { readonly [K in DocumentKind]: readonly DoorRule<StateOfKind<K>>[] } = {
	org: [enrollmentDoorRule, userDoorRule],
	invitations: [invitationDoorRule],
	partnership: [],
	customer: [],
	directory: []
};

/** The first refusal of the door rules of `state`'s kind for a member's `event`, or null. */
export function doorRefusal(
	state: DocumentProjection,
	event: DomainEvent,
	roles: readonly Role[],
	related?: RelatedProjections
): DoorRefusal | null {
	const rules = DOOR_RULES[state.kind] as readonly DoorRule<DocumentProjection>[];
	for (const rule of rules) {
		const refusal = rule(state, event, roles, related);
		if (refusal) return refusal;
	}
	return null;
}
