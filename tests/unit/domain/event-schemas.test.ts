// Every malformed event shape is refused with a specific code, and every valid sample passes.
import { describe, expect, it } from 'vitest';
import { buildEvent, EVENT_TYPES, parseEvent, type EventType } from '$lib/domain/events';
import { COUNTRY_CODES } from '$lib/domain/countries';
import { formatHlc } from '$lib/domain/clock';
import { SAMPLE_PAYLOADS } from '../flows/samples';
import { T0 } from '../factories';

const by = { userId: 'u-1', orgId: 'org-1' };
const at = formatHlc({ wall: T0, counter: 0, node: 'dev' });

function sample(type: EventType) {
	return JSON.parse(
		JSON.stringify(buildEvent(type, SAMPLE_PAYLOADS[type] as never, { id: 'e-1', at, by }))
	) as Record<string, unknown>;
}

function codeOf(input: unknown): string {
	const result = parseEvent(input);
	return result.ok ? 'ok' : result.error.code;
}

type Leaf = { path: (string | number)[]; value: unknown };

function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
	if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
	if (value !== null && typeof value === 'object') {
		return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
	}
	return [{ path, value }];
}

function replaced(event: Record<string, unknown>, path: (string | number)[], value: unknown) {
	const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
	let node: Record<string | number, unknown> = copy;
	for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
	node[path[path.length - 1] as string] = value;
	return copy;
}

const ENUM_KEYS = new Set(['kind', 'track', 'term', 'scope', 'roles']);
const SPECIFIC: Record<string, string> = {
	country: 'error_country_invalid',
	regionsServed: 'error_country_invalid',
	mpnId: 'error_mpn_id_invalid',
	tokenHash: 'error_token_hash_invalid'
};

/** The code an oversized string at this leaf must produce. */
function oversizedCode(path: (string | number)[]): string {
	const key = [...path].reverse().find((k) => typeof k === 'string') as string;
	if (ENUM_KEYS.has(key)) return 'error_field_invalid';
	return SPECIFIC[key] ?? 'error_field_too_long';
}

describe('event schemas', () => {
	it.each(EVENT_TYPES)('accepts the valid sample of %s', (type) => {
		expect(parseEvent(sample(type))).toMatchObject({ ok: true });
	});

	it.each(EVENT_TYPES)('refuses oversized strings anywhere in %s with a specific code', (type) => {
		const event = sample(type);
		for (const leaf of leaves(event.payload, ['payload'])) {
			if (typeof leaf.value !== 'string') continue;
			const code = codeOf(replaced(event, leaf.path, 'x'.repeat(5000)));
			expect(code, leaf.path.join('.')).toBe(oversizedCode(leaf.path));
		}
	});

	it.each(EVENT_TYPES)('refuses wrong types anywhere in %s', (type) => {
		const event = sample(type);
		for (const leaf of leaves(event.payload, ['payload'])) {
			const wrong = typeof leaf.value === 'string' || leaf.value === null ? 42 : 'forty-two';
			const key = leaf.path[leaf.path.length - 1];
			const expected =
				key === 'quantity'
					? 'error_quantity_invalid'
					: key === 'acknowledged'
						? 'error_field_required'
						: 'error_field_invalid';
			expect(codeOf(replaced(event, leaf.path, wrong)), leaf.path.join('.')).toBe(expected);
		}
	});

	it.each(EVENT_TYPES)('refuses unknown fields in %s', (type) => {
		const event = sample(type);
		expect(codeOf({ ...event, extra: 1 })).toBe('error_field_unknown');
		expect(codeOf({ ...event, payload: { ...(event.payload as object), extra: 1 } })).toBe(
			'error_field_unknown'
		);
	});

	it('refuses what is not an event object', () => {
		for (const input of [null, 42, 'event', [], [sample('user.added')]]) {
			expect(codeOf(input)).toBe('error_event_malformed');
		}
	});

	it('refuses an unknown or missing type', () => {
		expect(codeOf({ ...sample('user.added'), type: 'user.promoted' })).toBe(
			'error_event_unknown_type'
		);
		expect(codeOf({ ...sample('user.added'), type: undefined })).toBe('error_event_unknown_type');
		expect(codeOf({ ...sample('user.added'), type: 'toString' })).toBe('error_event_unknown_type');
	});

	it('refuses a missing or malformed author', () => {
		const event = sample('user.added');
		expect(codeOf({ ...event, by: undefined })).toBe('error_event_missing_author');
		expect(codeOf({ ...event, by: { userId: 'u-1' } })).toBe('error_event_missing_author');
		expect(codeOf({ ...event, by: { userId: 'U 1', orgId: 'org-1' } })).toBe(
			'error_event_missing_author'
		);
		expect(codeOf({ ...event, by: { userId: 'u-1', orgId: 'org-1', role: 'admin' } })).toBe(
			'error_event_missing_author'
		);
	});

	it('refuses a malformed id or timestamp', () => {
		const event = sample('user.added');
		expect(codeOf({ ...event, id: 'Not An Id' })).toBe('error_event_invalid_id');
		expect(codeOf({ ...event, id: 'a'.repeat(65) })).toBe('error_event_invalid_id');
		expect(codeOf({ ...event, id: undefined })).toBe('error_field_required');
		expect(codeOf({ ...event, at: '2025-06-15T10:00:00Z' })).toBe('error_event_invalid_timestamp');
		expect(codeOf({ ...event, at: 1750000000000 })).toBe('error_field_invalid');
	});

	it('refuses a missing payload or a missing required field', () => {
		const event = sample('user.added');
		expect(codeOf({ ...event, payload: undefined })).toBe('error_field_required');
		const { email: _email, ...withoutEmail } = event.payload as Record<string, unknown>;
		expect(codeOf({ ...event, payload: withoutEmail })).toBe('error_field_required');
		expect(codeOf(replaced(event, ['payload', 'fullName'], '   '))).toBe('error_field_required');
	});

	it('bounds every list', () => {
		const directory = sample('directory.entryPublished');
		expect(
			codeOf(replaced(directory, ['payload', 'regionsServed'], [...COUNTRY_CODES, 'JP', 'JP']))
		).toBe('error_list_too_long');
		expect(codeOf(replaced(directory, ['payload', 'regionsServed'], []))).toBe('error_list_empty');
		const order = sample('order.submitted');
		const line = (order.payload as { lines: unknown[] }).lines[0];
		expect(codeOf(replaced(order, ['payload', 'lines'], Array(21).fill(line)))).toBe(
			'error_list_too_long'
		);
		expect(codeOf(replaced(order, ['payload', 'lines'], []))).toBe('error_list_empty');
		const linked = sample('enrollment.mpnLinked');
		const profile = (linked.payload as { profiles: unknown[] }).profiles[0];
		expect(codeOf(replaced(linked, ['payload', 'profiles'], Array(21).fill(profile)))).toBe(
			'error_list_too_long'
		);
		const roles = sample('user.rolesChanged');
		expect(codeOf(replaced(roles, ['payload', 'roles'], ['salesAgent', 'salesAgent']))).toBe(
			'error_field_invalid'
		);
		expect(codeOf(replaced(roles, ['payload', 'roles'], ['superUser']))).toBe(
			'error_field_invalid'
		);
	});

	it('checks formats from the documentation: email, URL, country, MPN ID, token hash, quantity', () => {
		const user = sample('user.added');
		expect(codeOf(replaced(user, ['payload', 'email'], 'not-an-email'))).toBe(
			'error_email_invalid'
		);
		const profile = sample('org.profileUpdated');
		expect(codeOf(replaced(profile, ['payload', 'support', 'url'], 'javascript:alert(1)'))).toBe(
			'error_url_invalid'
		);
		const customer = sample('customer.created');
		expect(codeOf(replaced(customer, ['payload', 'country'], 'XX'))).toBe('error_country_invalid');
		expect(codeOf(replaced(customer, ['payload', 'country'], 'jp'))).toBe('error_country_invalid');
		const submitted = sample('enrollment.submitted');
		expect(codeOf(replaced(submitted, ['payload', 'mpnId'], '12345'))).toBe('error_mpn_id_invalid');
		expect(
			codeOf(replaced(submitted, ['payload', 'primaryContact', 'email'], 'boss@gmail.com'))
		).toBe('error_primary_contact_webmail');
		expect(
			codeOf(replaced(submitted, ['payload', 'primaryContact', 'email'], 'boss@yahoo.co.jp'))
		).toBe('error_primary_contact_webmail');
		const invitation = sample('invitation.created');
		expect(codeOf(replaced(invitation, ['payload', 'tokenHash'], 'A'.repeat(64)))).toBe(
			'error_token_hash_invalid'
		);
		expect(codeOf(replaced(invitation, ['payload', 'kind'], 'customerWithProvider'))).toBe(
			'error_field_required'
		);
		const order = sample('order.submitted');
		for (const quantity of [0, -1, 1.5, 10_001]) {
			expect(codeOf(replaced(order, ['payload', 'lines', 0, 'quantity'], quantity))).toBe(
				'error_quantity_invalid'
			);
		}
	});

	it('keeps a parsed event equal to the stored one (no transforms)', () => {
		for (const type of EVENT_TYPES) {
			const event = sample(type);
			const result = parseEvent(event);
			expect(result.ok && result.event).toEqual(event);
		}
	});
});
