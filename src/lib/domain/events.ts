// Every event type: its schema, the document it belongs in, the capability its author needs and
// which party may write it. `parseEvent` is the edge where log entries become trusted events.
import { z } from 'zod';
import type { DocumentKind } from './documents';
import type { DomainError, ErrorCode } from './errors';
import { isErrorCode } from './errors';
import * as f from './event-fields';
import { PAYLOADS, type EventType, type PayloadOf } from './event-payloads';
import type { Capability } from './permissions';

export type { EventType, PayloadOf, OrderLine } from './event-payloads';

export interface Author {
	readonly userId: string;
	readonly orgId: string;
}

export type EventOf<T extends EventType> = {
	readonly id: string;
	readonly type: T;
	/** hybrid logical clock timestamp (display and expiry; order is the log's order) */
	readonly at: string;
	readonly by: Author;
	readonly payload: PayloadOf<T>;
};

export type DomainEvent = { [T in EventType]: EventOf<T> }[EventType];

/**
 * Which party of the document may write an event:
 * - `system`: only the sync server (SYSTEM_USER_ID of the program org)
 * - `member`: a user of the org the `org/<orgId>` document belongs to
 * - `reviewer`: the program operator, in an applicant's org document
 * - `reseller` / `provider` / `eitherPartner`: a side of `partnership/<p>/<r>`
 * - `customer`: the customer itself, in `customer/<id>`
 * - `customerOrReseller`: the customer or a reseller of record of a live relationship
 * - `customerOrPartner`: the customer or the reseller or provider of the named relationship
 * - `partner`: a reseller or provider of record of a live relationship (never the customer)
 * - `program`: the program operator
 */
export type EventWriter =
	| 'system'
	| 'member'
	| 'reviewer'
	| 'reseller'
	| 'provider'
	| 'eitherPartner'
	| 'customer'
	| 'customerOrReseller'
	| 'customerOrPartner'
	| 'partner'
	| 'program';

export interface EventRule {
	readonly document: DocumentKind;
	/** `system`: only SYSTEM_USER_ID may write it */
	readonly capability: Capability | 'system';
	readonly writer: EventWriter;
}

const system = (document: DocumentKind): EventRule => ({
	document,
	capability: 'system',
	writer: 'system'
});

export const EVENT_RULES: Readonly<Record<EventType, EventRule>> = {
	'org.created': system('org'),
	'org.profileUpdated': { document: 'org', capability: 'manageOrgProfile', writer: 'member' },
	'user.added': { document: 'org', capability: 'manageUsers', writer: 'member' },
	'user.rolesChanged': { document: 'org', capability: 'manageUsers', writer: 'member' },
	'user.disabled': { document: 'org', capability: 'manageUsers', writer: 'member' },
	'user.enabled': { document: 'org', capability: 'manageUsers', writer: 'member' },
	'user.removed': { document: 'org', capability: 'manageUsers', writer: 'member' },
	'user.passwordChanged': system('org'),
	'enrollment.mpnLinked': system('org'),
	'enrollment.submitted': { document: 'org', capability: 'enroll', writer: 'member' },
	'enrollment.emailVerified': system('org'),
	'enrollment.approved': { document: 'org', capability: 'reviewEnrollment', writer: 'reviewer' },
	'enrollment.rejected': { document: 'org', capability: 'reviewEnrollment', writer: 'reviewer' },
	'enrollment.infoRequested': {
		document: 'org',
		capability: 'reviewEnrollment',
		writer: 'reviewer'
	},
	'enrollment.adminAgentConfirmed': { document: 'org', capability: 'enroll', writer: 'member' },
	'invitation.created': {
		document: 'invitations',
		capability: 'sendInvitations',
		writer: 'member'
	},
	'invitation.revoked': {
		document: 'invitations',
		capability: 'sendInvitations',
		writer: 'member'
	},
	'invitation.addressed': {
		document: 'invitations',
		capability: 'sendInvitations',
		writer: 'member'
	},
	'invitation.redeemed': system('invitations'),
	'partnership.invited': system('partnership'),
	'partnership.authorized': {
		document: 'partnership',
		capability: 'managePartnerships',
		writer: 'reseller'
	},
	'partnership.revoked': {
		document: 'partnership',
		capability: 'managePartnerships',
		writer: 'provider'
	},
	'partnership.adminAccessRemoved': {
		document: 'partnership',
		capability: 'managePartnerships',
		writer: 'reseller'
	},
	'partnership.ended': {
		document: 'partnership',
		capability: 'managePartnerships',
		writer: 'eitherPartner'
	},
	'customer.created': system('customer'),
	'relationship.requested': system('customer'),
	'relationship.accepted': {
		document: 'customer',
		capability: 'respondToRelationships',
		writer: 'customer'
	},
	'relationship.declined': {
		document: 'customer',
		capability: 'respondToRelationships',
		writer: 'customer'
	},
	'relationship.ended': {
		document: 'customer',
		capability: 'endRelationships',
		writer: 'customerOrPartner'
	},
	'tenantUser.added': {
		document: 'customer',
		capability: 'manageCustomerTenants',
		writer: 'customerOrReseller'
	},
	'tenantUser.removed': {
		document: 'customer',
		capability: 'manageCustomerTenants',
		writer: 'customerOrReseller'
	},
	'license.assigned': {
		document: 'customer',
		capability: 'manageCustomerTenants',
		writer: 'customerOrReseller'
	},
	'license.unassigned': {
		document: 'customer',
		capability: 'manageCustomerTenants',
		writer: 'customerOrReseller'
	},
	'order.submitted': { document: 'customer', capability: 'submitOrders', writer: 'partner' },
	'order.provisioned': system('customer'),
	'order.failed': system('customer'),
	'directory.entryPublished': {
		document: 'directory',
		capability: 'manageDirectory',
		writer: 'program'
	},
	'directory.entryUpdated': {
		document: 'directory',
		capability: 'manageDirectory',
		writer: 'program'
	}
};

export const EVENT_TYPES = Object.keys(PAYLOADS) as readonly EventType[];

const eventTypeSet: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: unknown): value is EventType {
	return typeof value === 'string' && eventTypeSet.has(value);
}

/** The capability an author needs for this event; `system` means only the sync server. */
export function eventCapability(type: EventType): Capability | 'system' {
	return EVENT_RULES[type].capability;
}

const author = z.strictObject({ userId: f.id, orgId: f.id });

const SCHEMAS = Object.fromEntries(
	EVENT_TYPES.map((type) => [
		type,
		z.strictObject({
			id: f.eventId,
			type: z.literal(type),
			at: f.hlc,
			by: author,
			payload: PAYLOADS[type]
		})
	])
) as unknown as { readonly [T in EventType]: z.ZodType<EventOf<T>> };

export type ParseResult =
	| { readonly ok: true; readonly event: DomainEvent }
	| { readonly ok: false; readonly error: DomainError };

function fail(code: ErrorCode, message: string, path?: string): ParseResult {
	return { ok: false, error: path === undefined ? { code, message } : { code, path, message } };
}

/** The value at `path` in a parsed JSON input (undefined where the path leaves its objects). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let node = input;
	for (const key of path) {
		if (node === null || typeof node !== 'object') return undefined;
		node = (node as Record<PropertyKey, unknown>)[key];
	}
	return node;
}

function codeOf(issue: z.core.$ZodIssue, input: unknown): ErrorCode {
	// A missing field is "required" whatever message its schema gives a wrong type.
	if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
		return 'error_field_required';
	}
	if (isErrorCode(issue.message)) return issue.message;
	switch (issue.code) {
		case 'too_big':
			return issue.origin === 'array' ? 'error_list_too_long' : 'error_field_too_long';
		case 'too_small':
			return issue.origin === 'array' ? 'error_list_empty' : 'error_field_required';
		case 'unrecognized_keys':
			return 'error_field_unknown';
		default:
			return 'error_field_invalid';
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one log entry; refusals name the first problem with a specific code. */
export function parseEvent(input: unknown): ParseResult {
	if (!isRecord(input)) return fail('error_event_malformed', 'an event is a JSON object');
	const { type, by } = input;
	if (!isEventType(type)) return fail('error_event_unknown_type', `unknown event type`, 'type');
	if (!isRecord(by) || typeof by.userId !== 'string' || typeof by.orgId !== 'string') {
		return fail('error_event_missing_author', 'an event needs by: { userId, orgId }', 'by');
	}
	const result = SCHEMAS[type].safeParse(input);
	if (result.success) return { ok: true, event: result.data as DomainEvent };
	const issue = result.error.issues[0];
	if (!issue) return fail('error_event_malformed', 'invalid event');
	const path = issue.path.join('.');
	// Author ids that exist but are malformed are still a missing (usable) author.
	const code =
		path === 'by' || path.startsWith('by.') ? 'error_event_missing_author' : codeOf(issue, input);
	const message = isErrorCode(issue.message)
		? `${issue.code} at ${path || '(root)'}`
		: issue.message;
	return fail(code, message, path);
}

/** Builds an event for the log (the caller's clock gives `at`, its id generator `id`). */
export function buildEvent<T extends EventType>(
	type: T,
	payload: PayloadOf<T>,
	meta: { readonly id: string; readonly at: string; readonly by: Author }
): EventOf<T> {
	return {
		id: meta.id,
		type,
		at: meta.at,
		by: { userId: meta.by.userId, orgId: meta.by.orgId },
		payload
	};
}
