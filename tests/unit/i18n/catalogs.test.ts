// The English and Japanese message catalogs stay in step: same keys, same placeholders, no blanks.
import { describe, expect, it } from 'vitest';
import {
	AUTH_CODES,
	ENROLLMENT_CODES,
	INVITATION_CODES,
	SYNC_CODES
} from '../../../sync-server/src/codes';
import { catalog, catalogFiles, LOCALES } from './catalog-files';

function placeholders(message: string): string[] {
	return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

const en = catalog('en');
const ja = catalog('ja');

describe('message catalogs', () => {
	it('has one file per feature area in every locale', () => {
		expect(LOCALES).toEqual(['en', 'ja']);
		expect(catalogFiles('en').length).toBe(catalogFiles('ja').length);
	});

	it('has a Japanese message for every English key', () => {
		const missing = Object.keys(en).filter((key) => !(key in ja));
		expect(missing).toEqual([]);
	});

	it('has no Japanese key that English lacks', () => {
		const extra = Object.keys(ja).filter((key) => !(key in en));
		expect(extra).toEqual([]);
	});

	it('has no empty message in either language', () => {
		const empty = [
			...Object.entries(en).filter(([, text]) => !text.trim()),
			...Object.entries(ja).filter(([, text]) => !text.trim())
		].map(([key]) => key);
		expect(empty).toEqual([]);
	});

	it('uses the same placeholders in both languages', () => {
		const mismatched = Object.keys(en).filter(
			(key) =>
				key in ja && placeholders(en[key] ?? '').join() !== placeholders(ja[key] ?? '').join()
		);
		expect(mismatched).toEqual([]);
	});

	it('uses the Partner Center menu labels from the glossary', () => {
		const menu = [
			'nav_dashboard',
			'nav_customers',
			'nav_indirect_providers',
			'nav_indirect_resellers',
			'nav_settings',
			'nav_user_management'
		];
		expect(menu.map((key) => [en[key], ja[key]])).toEqual([
			['Dashboard', 'ダッシュボード'],
			['Customers', '顧客'],
			['Indirect providers', '間接プロバイダー'],
			['Indirect resellers', '間接リセラー'],
			['Settings', '設定'],
			['User management', 'ユーザー管理']
		]);
		expect([en.sign_in_submit, ja.sign_in_submit]).toEqual(['Sign in', 'サインイン']);
	});
});

describe('server refusal codes', () => {
	it('has a message in both languages for every code the sync server sends', () => {
		const codes: string[] = [
			...AUTH_CODES,
			...SYNC_CODES,
			...INVITATION_CODES,
			...ENROLLMENT_CODES
		];
		const missing = codes.filter((code) => !(code in en) || !(code in ja));
		expect(missing).toEqual([]);
	});
});
