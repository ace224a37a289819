// Small factories for domain test data: events with valid ids, clock and authors.
import { formatHlc } from '$lib/domain/clock';
import type { DomainEvent, EventType, PayloadOf } from '$lib/domain/events';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';

export const SYSTEM = { userId: SYSTEM_USER_ID, orgId: PROGRAM_ORG_ID } as const;

export const DAY = 86_400_000;
export const T0 = 1_750_000_000_000;

/** A log builder: each event gets the next id and a clock one second later than the last. */
export function createLog(node = 'test') {
	let counter = 0;
	const log: DomainEvent[] = [];
	function event<T extends EventType>(
		type: T,
		by: { userId: string; orgId: string },
		payload: PayloadOf<T>,
		options: { at?: number; id?: string } = {}
	): DomainEvent {
		counter += 1;
		const at = formatHlc({ wall: options.at ?? T0 + counter * 1000, counter: 0, node });
		return {
			id: options.id ?? `${node}-${counter}`,
			type,
			at,
			by: { ...by },
			payload
		} as DomainEvent;
	}
	return {
		log,
		event,
		/** builds and appends */
		push<T extends EventType>(
			type: T,
			by: { userId: string; orgId: string },
			payload: PayloadOf<T>,
			options?: { at?: number; id?: string }
		): DomainEvent {
			const built = event(type, by, payload, options);
			log.push(built);
			return built;
		}
	};
}

export const HASH = 'a'.repeat(64);

/** Shaped like a device-made temporary password hash (checkAppend refuses any other shape). */
export const DEVICE_HASH = `pbkdf2-sha256$600000$${'A'.repeat(22)}$${'B'.repeat(43)}`;

export function orgCreated(
	kind: PayloadOf<'org.created'>['kind'],
	over: Partial<PayloadOf<'org.created'>> = {}
) {
	return {
		kind,
		legalName: `${kind} Ltd`,
		country: 'JP',
		tenant: { domain: `${kind.toLowerCase()}.example.com`, country: 'JP' },
		mpnId: null,
		alreadyEnrolledInCsp: false,
		...over
	} satisfies PayloadOf<'org.created'>;
}

export function userAdded(
	userId: string,
	roles: PayloadOf<'user.added'>['roles'],
	over: Partial<PayloadOf<'user.added'>> = {}
) {
	return {
		userId,
		email: `${userId}@example.com`,
		fullName: `User ${userId}`,
		roles,
		temporaryPassword: { hash: DEVICE_HASH, expiresAt: T0 + 14 * DAY },
		...over
	} satisfies PayloadOf<'user.added'>;
}
