// Makes a new user's temporary password on this device (it may be offline): random text from the
// platform's CSPRNG and its PBKDF2 hash from WebCrypto, in the format the server verifies.
import {
	DEVICE_PBKDF2_ITERATIONS,
	PBKDF2_KEY_BYTES,
	PBKDF2_SALT_BYTES,
	TEMPORARY_PASSWORD_BYTES,
	formatPbkdf2Hash,
	temporaryPasswordFromBytes
} from '$lib/domain/temporary-password';

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
	return crypto.getRandomValues(new Uint8Array(length));
}

export function generateTemporaryPassword(): string {
	return temporaryPasswordFromBytes(randomBytes(TEMPORARY_PASSWORD_BYTES));
}

/** `pbkdf2-sha256$<iterations>$<salt>$<key>` of `password` (NFC, as the server normalizes it). */
export async function hashTemporaryPassword(
	password: string,
	iterations = DEVICE_PBKDF2_ITERATIONS
): Promise<string> {
	const salt = randomBytes(PBKDF2_SALT_BYTES);
	const material = await crypto.subtle.importKey(
		'raw',
		new TextEncoder().encode(password.normalize('NFC')),
		'PBKDF2',
		false,
		['deriveBits']
	);
	const bits = await crypto.subtle.deriveBits(
		{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
		material,
		PBKDF2_KEY_BYTES * 8
	);
	return formatPbkdf2Hash(iterations, salt, new Uint8Array(bits));
}
