// Invitation tokens: unguessable (256 random bits), URL-safe, and stored only as their SHA-256 hash.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TOKEN_HASH_PATTERN } from '../../../src/lib/domain/ids';
import { tokenFromFragment } from '../../../src/lib/flows/partnership/partner-lists';
import { invitationTokenHash, newInvitationToken } from '../../../src/lib/sync/invitation-token';

describe('invitation tokens', () => {
	it('carries 256 random bits as base64url, which the link fragment accepts', () => {
		const token = newInvitationToken();
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(Buffer.from(token, 'base64url')).toHaveLength(32);
		expect(tokenFromFragment(`#${token}`)).toBe(token);
	});

	it('never repeats', () => {
		const tokens = new Set(Array.from({ length: 1000 }, () => newInvitationToken()));
		expect(tokens.size).toBe(1000);
	});

	it('is stored as the SHA-256 hex of its text, as the server computes it', async () => {
		const token = newInvitationToken();
		const hash = await invitationTokenHash(token);
		expect(hash).toMatch(TOKEN_HASH_PATTERN);
		expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
	});
});
