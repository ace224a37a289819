// Password hashing: scrypt (memory-hard) from node:crypto, parameters stored with each hash, and a
// dummy hash so that checking an unknown account costs the same as checking a real one.
import { pbkdf2, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
// Temporary passwords hashed on a device (WebCrypto has PBKDF2, not scrypt) use the standard count;
// one stored before the count was fixed is verified only if it costs no more than the standard.
import { DEVICE_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS } from '$lib/domain/temporary-password';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** 2^15 × r=8 is 32 MiB per hash and ~0.1 s on a 2020s server core (OWASP's minimum is 2^17/r=8/p=1 or equivalent). */
export const DEFAULT_LOG_N = 15;
const MAX_LOG_N = 20;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
			error ? reject(error) : resolve(key)
		);
	});
}

function scryptOptions(logN: number): ScryptOptions {
	// maxmem must exceed 128 * N * r bytes or node refuses the parameters.
	return { N: 2 ** logN, r: 8, p: 1, maxmem: 256 * 2 ** logN * 8 };
}

const b64 = (bytes: Buffer): string => bytes.toString('base64url');

/** `scrypt$<log2 N>$<r>$<p>$<salt>$<key>`, base64url. */
export async function hashPassword(password: string, logN = DEFAULT_LOG_N): Promise<string> {
	const salt = randomBytes(SALT_LENGTH);
	const key = await scryptAsync(password, salt, scryptOptions(logN));
	return `scrypt$${logN}$8$1$${b64(salt)}$${b64(key)}`;
}

function pbkdf2Async(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		pbkdf2(password.normalize('NFC'), salt, iterations, KEY_LENGTH, 'sha256', (error, key) =>
			error ? reject(error) : resolve(key)
		);
	});
}

/**
 * True when `password` matches `stored`. Accepts this module's scrypt hashes and, for temporary
 * passwords made on an admin's device, `pbkdf2-sha256$<iterations>$<salt>$<key>` (base64url).
 * Malformed hashes never match (and never throw).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const parts = stored.split('$');
	try {
		if (parts[0] === 'scrypt' && parts.length === 6) {
			const [, logN, r, p, salt, key] = parts;
			const n = Number(logN);
			if (!Number.isInteger(n) || n < 10 || n > MAX_LOG_N || r !== '8' || p !== '1') return false;
			const expected = Buffer.from(key ?? '', 'base64url');
			if (expected.length !== KEY_LENGTH) return false;
			const actual = await scryptAsync(
				password,
				Buffer.from(salt ?? '', 'base64url'),
				scryptOptions(n)
			);
			return timingSafeEqual(actual, expected);
		}
		if (parts[0] === 'pbkdf2-sha256' && parts.length === 4) {
			const [, rounds, salt, key] = parts;
			const iterations = Number(rounds);
			if (
				!Number.isInteger(iterations) ||
				iterations < MIN_PBKDF2_ITERATIONS ||
				iterations > DEVICE_PBKDF2_ITERATIONS
			) {
				return false;
			}
			const expected = Buffer.from(key ?? '', 'base64url');
			if (expected.length !== KEY_LENGTH) return false;
			const actual = await pbkdf2Async(password, Buffer.from(salt ?? '', 'base64url'), iterations);
			return timingSafeEqual(actual, expected);
		}
	} catch {
		return false;
	}
	return false;
}

/** A hash of a random secret nobody knows, verified when the account does not exist. */
export function createDummyHash(logN = DEFAULT_LOG_N): Promise<string> {
	return hashPassword(randomBytes(24).toString('base64url'), logN);
}

/** The hash should be redone when it was made with other (weaker) parameters. */
export function needsRehash(stored: string, logN: number): boolean {
	return !stored.startsWith(`scrypt$${logN}$8$1$`);
}
