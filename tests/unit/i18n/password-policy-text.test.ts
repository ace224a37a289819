// The password policy as the app states it: the numbers come from the policy that enforces them,
// never from a catalog, so no page can promise a length the server refuses.
import { describe, expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH } from '$lib/domain/password-policy';
import { errorMessage } from '$lib/i18n/error-message';
import { passwordPolicy } from '$lib/i18n/password-policy';
import { catalog, LOCALES } from './catalog-files';

describe('password policy text', () => {
	it.each(LOCALES)('names no length as a literal number in the %s catalog', (locale) => {
		const literal = Object.entries(catalog(locale)).filter(([, text]) =>
			/\d\s*(characters|文字)/i.test(text)
		);
		expect(literal).toEqual([]);
	});

	it.each(LOCALES)('states the minimum as a parameter in the %s catalog', (locale) => {
		const messages = catalog(locale);
		expect(messages.password_policy).toContain('{min}');
		expect(messages.auth_password_too_short).toContain('{min}');
		expect(messages.auth_password_personal?.trim()).toBeTruthy();
	});

	it('states the enforced minimum, in the hint and in the refusal', () => {
		expect(passwordPolicy()).toContain(`${PASSWORD_MIN_LENGTH} characters`);
		expect(errorMessage('auth_password_too_short')).toContain(`${PASSWORD_MIN_LENGTH} characters`);
	});
});
