// Opaque bearer tokens: 256 random bits for the client, only their SHA-256 in the database.
import { createHash, randomBytes } from 'node:crypto';

export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): Buffer {
	return createHash('sha256').update(token, 'utf8').digest();
}

/** A random id valid as a domain id (`[a-z0-9-]`). */
export function newId(): string {
	return randomBytes(16).toString('hex');
}
