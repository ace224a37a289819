// Identifier formats shared by document names, events and the server: one pattern, one place.

/** The author of events only the sync server may write (org creation, provisioning, redemption). */
export const SYSTEM_USER_ID = 'system';
/** The program operator's org: it reviews enrollments, keeps the directory and authors system events. */
export const PROGRAM_ORG_ID = 'program';

/** Ids of orgs, users, events, invitations, orders…: lower-case letters, digits and dashes. */
export const ID_PATTERN = /^[a-z0-9-]{1,64}$/;
export const ID_MAX_LENGTH = 64;

/** A hex SHA-256 digest, as invitation tokens are stored (never the token itself). */
export const TOKEN_HASH_PATTERN = /^[0-9a-f]{64}$/;

export function isId(value: unknown): value is string {
	return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Ids are made by the caller's random source (the domain never calls Math.random). */
export type IdGenerator = () => string;

/** At least 128 random bits rendered as 32 hex digits: unguessable and valid as an id. */
export function idFromBytes(bytes: Uint8Array): string {
	if (bytes.length < 16) throw new RangeError('an id needs at least 16 random bytes');
	let hex = '';
	for (const byte of bytes.subarray(0, 32)) hex += byte.toString(16).padStart(2, '0');
	return hex;
}

/** An id generator over any source of random bytes (crypto.getRandomValues in app and server). */
export function createIdGenerator(fillRandom: (bytes: Uint8Array) => void): IdGenerator {
	return () => {
		const bytes = new Uint8Array(16);
		fillRandom(bytes);
		return idFromBytes(bytes);
	};
}
