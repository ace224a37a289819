// Temporary passwords made on the admin's device: enough entropy, a readable uniform alphabet, the
// policy satisfied, and a WebCrypto PBKDF2 hash the server verifies.
import { describe, expect, it } from 'vitest';
import { checkNewPassword } from '$lib/domain/password-policy';
import { scorePassword } from '$lib/domain/password-strength';
import {
	DEVICE_PBKDF2_ITERATIONS,
	TEMPORARY_PASSWORD_BITS,
	TEMPORARY_PASSWORD_BYTES,
	TEMPORARY_PASSWORD_TTL_MS,
	isDeviceHash,
	temporaryPasswordFromBytes
} from '$lib/domain/temporary-password';
import { generateTemporaryPassword, hashTemporaryPassword } from '$lib/sync/temporary-password';
import { verifyPassword } from '../../../sync-server/src/accounts/passwords';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

describe('temporary passwords', () => {
	it('carry at least 80 bits of entropy: 20 characters, each uniformly one of 32', () => {
		expect(TEMPORARY_PASSWORD_BITS).toBeGreaterThanOrEqual(80);
		const password = generateTemporaryPassword();
		const characters = password.replace(/-/g, '');
		expect(characters).toHaveLength(TEMPORARY_PASSWORD_BITS / Math.log2(ALPHABET.length));
		expect(password).toMatch(/^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){3}$/);
	});

	it('take every 5 bits of the random bytes in turn (no bias, no bits wasted)', () => {
		expect(temporaryPasswordFromBytes(new Uint8Array(TEMPORARY_PASSWORD_BYTES))).toBe(
			'00000-00000-00000-00000'
		);
		expect(temporaryPasswordFromBytes(new Uint8Array(TEMPORARY_PASSWORD_BYTES).fill(0xff))).toBe(
			'zzzzz-zzzzz-zzzzz-zzzzz'
		);
		// 0b00001_00010_00011_00100_00101_00110_00111_01000 = 08 86 42 98 e8
		expect(
			temporaryPasswordFromBytes(
				Uint8Array.from([0x08, 0x86, 0x42, 0x98, 0xe8, 0, 0, 0, 0, 0, 0, 0, 0])
			)
		).toBe('12345-678' + '00-00000-00000');
		expect(() => temporaryPasswordFromBytes(new Uint8Array(4))).toThrow(RangeError);
	});

	it('use the whole alphabet and never repeat over many draws', () => {
		const drawn = Array.from({ length: 2000 }, () => generateTemporaryPassword());
		expect(new Set(drawn).size).toBe(drawn.length);
		const seen = new Set(drawn.join('').replace(/-/g, ''));
		expect([...seen].sort().join('')).toBe(ALPHABET);
	});

	it('satisfy the password policy', () => {
		for (let i = 0; i < 20; i += 1) {
			expect(checkNewPassword(generateTemporaryPassword(), scorePassword)).toBeNull();
		}
	});

	it('expire after 14 days by default', () => {
		expect(TEMPORARY_PASSWORD_TTL_MS).toBe(14 * 24 * 60 * 60_000);
	});

	it('are hashed on the device with PBKDF2-SHA256 in the format the server verifies', async () => {
		const password = generateTemporaryPassword();
		const hash = await hashTemporaryPassword(password);
		expect(hash.startsWith(`pbkdf2-sha256$${DEVICE_PBKDF2_ITERATIONS}$`)).toBe(true);
		expect(isDeviceHash(hash)).toBe(true);
		expect(await verifyPassword(password, hash)).toBe(true);
		expect(await verifyPassword(`${password}x`, hash)).toBe(false);
		// Each hash has its own salt.
		expect(await hashTemporaryPassword(password)).not.toBe(hash);
	});
});
