import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '$lib/domain/errors';
import { catalog } from '../i18n/catalog-files';

describe('error codes', () => {
	it('are unique i18n keys', () => {
		expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
		for (const code of ERROR_CODES) expect(code).toMatch(/^error_[a-z_]+$/);
	});

	it.each(['en', 'ja'] as const)('each has a message in the %s catalog', (locale) => {
		const messages = catalog(locale);
		const missing = ERROR_CODES.filter((code) => !messages[code]?.trim());
		expect(missing).toEqual([]);
	});

	it('are written in Japanese in the ja catalog, with the documentation’s words', () => {
		const en = catalog('en');
		const ja = catalog('ja');
		for (const code of ERROR_CODES) {
			expect(ja[code]).not.toBe(en[code]);
			expect(ja[code]).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
		}
		expect(ja.error_primary_contact_webmail).toContain('第一連絡先担当者');
		expect(ja.error_admin_agent_missing).toContain('管理エージェント');
		expect(ja.error_mpn_country_mismatch).toContain('組織プロファイル');
	});

	it('recognizes only listed codes', () => {
		expect(isErrorCode('error_email_taken')).toBe(true);
		expect(isErrorCode('error_nope')).toBe(false);
	});
});
