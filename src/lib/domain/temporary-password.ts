// Temporary passwords for new users, made on the admin's device (it may be offline): the password
// text from random bytes, its lifetime, and the PBKDF2 hash format the event carries and the
// server verifies. Pure: the caller supplies the random bytes and does the hashing (WebCrypto).

/** Crockford's base32 alphabet in lower case: no i, l, o or u to misread when passed on. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const BITS_PER_CHAR = 5;
const GROUPS = 4;
const GROUP_LENGTH = 5;

/** 20 characters × 5 bits: comfortably over the 80 bits a password guessed offline needs. */
export const TEMPORARY_PASSWORD_BITS = GROUPS * GROUP_LENGTH * BITS_PER_CHAR;
/** Random bytes `temporaryPasswordFromBytes` reads. */
export const TEMPORARY_PASSWORD_BYTES = Math.ceil(TEMPORARY_PASSWORD_BITS / 8);
export const TEMPORARY_PASSWORD_TTL_MS = 14 * 24 * 60 * 60_000;

export const PBKDF2_SCHEME = 'pbkdf2-sha256';
/**
 * OWASP's figure for PBKDF2-HMAC-SHA256, and the only count a new temporary password may use: the
 * count is chosen by the server's rules, not by the adding device, or an admin could make each
 * sign-in of the new user cost the server seconds (and say by its timing that the account exists).
 */
export const DEVICE_PBKDF2_ITERATIONS = 600_000;
/** Hashes stored before the count was fixed are verified from this many rounds up to the standard. */
export const MIN_PBKDF2_ITERATIONS = 100_000;
export const PBKDF2_SALT_BYTES = 16;
export const PBKDF2_KEY_BYTES = 32;

/**
 * `xxxxx-xxxxx-xxxxx-xxxxx` from at least TEMPORARY_PASSWORD_BYTES random bytes: each character
 * takes the next 5 bits, so every character is uniformly one of 32 (no modulo bias).
 */
export function temporaryPasswordFromBytes(bytes: Uint8Array): string {
	if (bytes.length < TEMPORARY_PASSWORD_BYTES) {
		throw new RangeError(`a temporary password needs ${TEMPORARY_PASSWORD_BYTES} random bytes`);
	}
	let text = '';
	let buffer = 0;
	let held = 0;
	let index = 0;
	for (let produced = 0; produced < GROUPS * GROUP_LENGTH; produced += 1) {
		if (held < BITS_PER_CHAR) {
			buffer = ((buffer << 8) | (bytes[index] ?? 0)) & 0xffff;
			index += 1;
			held += 8;
		}
		held -= BITS_PER_CHAR;
		text += ALPHABET[(buffer >> held) & 0x1f];
		if (produced % GROUP_LENGTH === GROUP_LENGTH - 1 && produced < GROUPS * GROUP_LENGTH - 1) {
			text += '-';
		}
	}
	return text;
}

function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `pbkdf2-sha256$<iterations>$<salt>$<key>`, salt and key in unpadded base64url. */
export function formatPbkdf2Hash(iterations: number, salt: Uint8Array, key: Uint8Array): string {
	return `${PBKDF2_SCHEME}$${iterations}$${toBase64Url(salt)}$${toBase64Url(key)}`;
}

const DEVICE_HASH = new RegExp(
	`^pbkdf2-sha256\\$${DEVICE_PBKDF2_ITERATIONS}\\$[A-Za-z0-9_-]{22,88}\\$[A-Za-z0-9_-]{43}$`
);

/**
 * A hash a device may put in `user.added`: PBKDF2-SHA256 with exactly the standard count, a salt,
 * a 32-byte key.
 */
export function isDeviceHash(hash: string): boolean {
	return DEVICE_HASH.test(hash);
}
