// The password policy (device and server run the same one): length over complexity rules, and no
// common or easily guessed password.
import { describe, expect, it } from 'vitest';
import {
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
	checkNewPassword,
	checkOwnerPassword,
	isMostlyPersonal,
	ownerWords,
	personalWords,
	type PasswordOwner
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
			'auth_password_personal'
		);
	});

	it('accepts a long passphrase without any symbol or capital (length over complexity)', () => {
		expect(check('violet harbor lantern forty two')).toBeNull();
		expect(check('correct horse battery staple')).toBeNull();
	});
});

/** Yuki Tanaka of Contoso, whose tenant is contoso.example: the person issue 21 names. */
const yuki = (facts: Partial<PasswordOwner> = {}): PasswordOwner => ({
	fullName: 'Yuki Tanaka',
	email: 'yuki@contoso.example',
	orgName: 'Contoso Ltd',
	tenantDomain: 'contoso.example',
	...facts
});

describe('a password built on its owner’s own words', () => {
	it.each([
		['yukitanaka12', 'name parts joined, with digits'],
		['tanakayuki12', 'name parts the other way round'],
		['YukiTanaka!12', 'capitals and a symbol'],
		['yuki.tanaka.2024', 'separated by dots, with a year'],
		['yuk1t4n4k4-99', 'digits standing in for letters'],
		['ｙｕｋｉｔａｎａｋａ１２', 'typed full-width on a Japanese keyboard'],
		['contosoyuki12', 'the org name and the first name'],
		['yuki@contoso.example', 'the email address itself'],
		['contoso-example-77', 'the tenant domain']
	])('refuses %s (%s)', (password) => {
		expect(checkOwnerPassword(password, scorePassword, yuki())).toBe('auth_password_personal');
	});

	it.each([
		['violet harbor lantern forty two', 'no personal word at all'],
		['yuki likes violet harbor lanterns', 'the first name among many other words'],
		['tanaka kept a copper lighthouse', 'the family name as one word of five']
	])('accepts %s (%s)', (password) => {
		expect(checkOwnerPassword(password, scorePassword, yuki())).toBeNull();
	});

	it('refuses the same password for Yuki that it accepts for someone else', () => {
		const other = yuki({ fullName: 'Sam Patel', email: 'sam@fabrikam.example', orgName: null });
		expect(
			checkOwnerPassword('yukitanaka12', scorePassword, { ...other, tenantDomain: null })
		).toBe(null);
		expect(checkOwnerPassword('yukitanaka12', scorePassword, yuki())).toBe(
			'auth_password_personal'
		);
	});

	it.each([
		{ password: 'yukitanaka', words: ['yuki', 'tanaka'], expected: true },
		{ password: 'yukiviolet', words: ['yuki', 'tanaka'], expected: false },
		{ password: 'yukitanakaviolet', words: ['yuki', 'tanaka'], expected: true },
		{ password: '12345678yuki', words: ['yuki'], expected: true },
		{ password: '123456789012', words: ['yuki'], expected: false },
		{ password: '田中由紀12345678', words: ['田中', '由紀'], expected: true },
		{ password: 'anything at all', words: [], expected: false }
	])('counts $password as mostly $words: $expected', ({ password, words, expected }) => {
		expect(isMostlyPersonal(password, words)).toBe(expected);
	});
});

describe('personal words', () => {
	it('takes the owner’s name, email, org name and tenant domain, where known', () => {
		expect(ownerWords(yuki())).toEqual([
			'yuki',
			'contoso',
			'example',
			'yuki',
			'tanaka',
			'contoso',
			'ltd',
			'contoso',
			'example'
		]);
		expect(ownerWords(yuki({ orgName: null, tenantDomain: undefined }))).toEqual([
			'yuki',
			'contoso',
			'example',
			'yuki',
			'tanaka'
		]);
	});

	it('keeps two-character Japanese names, which are whole names', () => {
		expect(personalWords('田中 由紀', 'yo')).toEqual(['田中', '由紀']);
	});

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
