// The password policy (device and server run the same one): length over complexity rules, and no
// common or easily guessed password.
import { describe, expect, it } from 'vitest';
import {
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
	checkNewPassword,
	personalWords
} from '$lib/domain/password-policy';
import { scorePassword } from '$lib/domain/password-strength';

const check = (password: string, ...personal: string[]) =>
	checkNewPassword(password, scorePassword, personalWords(...personal));

describe('password policy', () => {
	it('refuses a password shorter than the minimum, counting characters, not bytes', () => {
		expect(PASSWORD_MIN_LENGTH).toBeGreaterThanOrEqual(12);
		expect(check('q7#Lm!2x')).toBe('auth_password_too_short');
		expect(check('🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊')).toBe('auth_password_too_short');
	});

	it('refuses a password longer than the maximum', () => {
		expect(check('word '.repeat(PASSWORD_MAX_LENGTH / 5 + 1))).toBe('auth_password_too_long');
	});

	it.each(['password1234', 'qwertyuiop123', 'iloveyou2024', 'aaaaaaaaaaaaaaaa', '123456789012'])(
		'refuses the common or easily guessed %s',
		(password) => {
			expect(check(password)).toBe('auth_password_too_common');
		}
	);

	it('refuses a password built on the user’s own name or email', () => {
		expect(check('relecloudadmin')).toBeNull();
		expect(check('relecloudadmin', 'admin@relecloud.example', 'Relecloud Admin')).toBe(
			'auth_password_too_common'
		);
	});

	it('accepts a long passphrase without any symbol or capital (length over complexity)', () => {
		expect(check('violet harbor lantern forty two')).toBeNull();
		expect(check('correct horse battery staple')).toBeNull();
	});
});

describe('personal words', () => {
	it('splits names and email addresses into the words a password must not lean on', () => {
		expect(personalWords('Sam.Patel@contoso.example', 'Sam Patel')).toEqual([
			'sam',
			'patel',
			'contoso',
			'example',
			'sam',
			'patel'
		]);
	});
});
