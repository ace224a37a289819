import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, isCountryCode } from '$lib/domain/countries';
import {
	checkPrimaryContactEmail,
	checkProfileChoice,
	isMpnId,
	mayInvite,
	normalizeEmail
} from '$lib/domain/rules';
import { DEFAULT_WEBMAIL, emailDomain, isWebmailAddress } from '$lib/domain/webmail';

describe('primary contact email', () => {
	it.each([
		'a@gmail.com',
		'a@googlemail.com',
		'a@yahoo.com',
		'a@yahoo.co.jp',
		'a@yahoo.com.au',
		'a@ymail.com',
		'a@icloud.com',
		'a@me.com',
		'a@mac.com',
		'a@aol.com',
		'a@aol.co.uk',
		'a@outlook.com',
		'a@outlook.jp',
		'a@hotmail.com',
		'a@hotmail.co.uk',
		'a@live.com',
		'a@live.jp',
		'a@msn.com',
		'A@GMAIL.COM'
	])('refuses a primary contact at a web-based email service: %s', (email) => {
		expect(checkPrimaryContactEmail(email)).toBe('error_primary_contact_webmail');
	});

	it.each([
		'a@contoso.com',
		'a@live.contoso.com',
		'a@outlook.contoso.co.jp',
		'a@mail.yahoo-partner.com',
		'a@gmail.contoso.com'
	])('accepts an organization address: %s', (email) => {
		expect(checkPrimaryContactEmail(email)).toBeNull();
	});

	it('reads its list from configuration', () => {
		const list = { domains: ['example.org'], brands: [] };
		expect(isWebmailAddress('a@example.org', list)).toBe(true);
		expect(isWebmailAddress('a@gmail.com', list)).toBe(false);
		expect(DEFAULT_WEBMAIL.domains).toContain('gmail.com');
		expect(emailDomain('no-at-sign')).toBeNull();
	});
});

describe('organization profile choice', () => {
	const profiles = [
		{ mpnId: '1234567', legalName: 'Contoso KK', country: 'JP' },
		{ mpnId: '7654321', legalName: 'Contoso Inc', country: 'US' }
	];
	it('accepts the profile in the tenant’s country/region', () => {
		expect(checkProfileChoice(profiles, '1234567', 'JP')).toBeNull();
	});
	it('refuses a profile in another country/region than the tenant', () => {
		expect(checkProfileChoice(profiles, '7654321', 'JP')).toBe('error_mpn_country_mismatch');
	});
	it('refuses an MPN ID the PMC sign-in did not offer', () => {
		expect(checkProfileChoice(profiles, '1111111', 'JP')).toBe('error_mpn_not_linked');
	});
});

describe('formats', () => {
	it('knows the 249 ISO 3166-1 alpha-2 codes', () => {
		expect(COUNTRY_CODES).toHaveLength(249);
		expect(isCountryCode('JP')).toBe(true);
		expect(isCountryCode('jp')).toBe(false);
		expect(isCountryCode('EU')).toBe(false);
		expect(isCountryCode('UK')).toBe(false);
	});
	it('checks MPN IDs are 6 to 10 digits', () => {
		expect(isMpnId('123456')).toBe(true);
		expect(isMpnId('1234567890')).toBe(true);
		expect(isMpnId('12345')).toBe(false);
		expect(isMpnId('12345678901')).toBe(false);
		expect(isMpnId('12a456')).toBe(false);
	});
	it('compares emails case-insensitively', () => {
		expect(normalizeEmail(' Ann@Contoso.COM ')).toBe('ann@contoso.com');
	});
	it('lets a provider invite resellers and a reseller invite customers', () => {
		expect(mayInvite('indirectProvider', 'reseller')).toBe(true);
		expect(mayInvite('indirectProvider', 'customer')).toBe(false);
		expect(mayInvite('indirectReseller', 'customer')).toBe(true);
		expect(mayInvite('indirectReseller', 'customerWithProvider')).toBe(true);
		expect(mayInvite('indirectReseller', 'reseller')).toBe(false);
		expect(mayInvite('customer', 'customer')).toBe(false);
	});
});
