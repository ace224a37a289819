// The Japanese UI as a Japanese partner reads it: every route, for each kind of organization and
// signed out, shows no English outside names, codes and the product terms the glossary keeps in
// English. Read are the visible text and what assistive technology reads out (aria-label, title,
// placeholder, alt); left out are the demo workspace's names, emails, domains and `<code>`. Each
// test has its own server, so the data is the demo workspace's and nothing else.
import type { Browser, Page } from '@playwright/test';
import { DEMO_NAMES } from '../../sync-server/src/demo-seed';
import { OFFER_CATALOG } from '../../src/lib/domain/offers';
import { expect, signInThroughApi, test } from './fixtures';
import { freshServerPerTest } from './fresh-server';

/** Words the Japanese UI keeps in English (GLOSSARY.md, product and mail service names, keys). */
const KEPT_IN_ENGLISH = new Set(
	[
		'tiertwo',
		'ID',
		'MPN',
		'CSP',
		'Partner',
		'Center',
		'Membership',
		'Microsoft',
		'Web',
		'Mail',
		'Gmail',
		'Outlook',
		'Yahoo',
		'iCloud',
		'AOL',
		'SMTP',
		'QR',
		'JSON',
		'Ctrl',
		'Cmd',
		// storage sizes (Intl writes them so in Japanese too)
		'KB',
		'MB',
		'GB',
		// the language picker names each language in itself
		'English'
	].map((word) => word.toLowerCase())
);

const DATA = [...DEMO_NAMES, ...OFFER_CATALOG.map((offer) => offer.name)].sort(
	(a, b) => b.length - a.length
);

/** The English words left in `text` once names, emails, domains and numbers are taken out. */
function englishIn(text: string): string[] {
	let rest = text.replace(/\S+@\S+/g, ' ').replace(/\b[\w-]+(\.[\w-]+)*\.(example|com)\b/g, ' ');
	for (const name of DATA) rest = rest.split(name).join(' ');
	return (rest.match(/[A-Za-z]{2,}/g) ?? []).filter(
		(word) => !KEPT_IN_ENGLISH.has(word.toLowerCase())
	);
}

/** What the page says now: visible text and the accessible names and hints of its elements. */
function pageTexts(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const skipped = 'code, kbd, samp, script, style, [translate="no"]';
		const texts: string[] = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const parent = node.parentElement;
			const text = node.textContent?.trim();
			if (!text || !parent || parent.closest(skipped)) continue;
			if (!parent.checkVisibility({ visibilityProperty: true })) continue;
			texts.push(text);
		}
		for (const element of document.body.querySelectorAll(
			'[aria-label], [title], [placeholder], [alt]'
		)) {
			if (element.closest(skipped)) continue;
			for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
				const value = element.getAttribute(name)?.trim();
				if (value) texts.push(value);
			}
		}
		return texts;
	});
}

interface Visit {
	readonly path: string;
	/** text the page shows once its data is there (what is read then) */
	readonly ready?: string;
}

async function expectNoEnglish(page: Page, visits: readonly Visit[]): Promise<void> {
	const found: string[] = [];
	for (const visit of visits) {
		await page.goto(visit.path);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
		if (visit.ready) await expect(page.getByText(visit.ready).first()).toBeVisible();
		for (const text of await pageTexts(page)) {
			const english = englishIn(text);
			if (english.length > 0) found.push(`${visit.path}: ${text}  →  ${english.join(', ')}`);
		}
	}
	expect(found, 'English in the Japanese UI').toEqual([]);
}

const fresh = freshServerPerTest();

/** A page of a new context on this test's server (the demo workspace only), in Japanese. */
async function japanesePage(browser: Browser, email?: string): Promise<Page> {
	const context = await fresh.newContext(browser);
	await context.addInitScript(() => localStorage.setItem('PARAGLIDE_LOCALE', 'ja'));
	const page = await context.newPage();
	if (email) await signIn(page, email);
	return page;
}

/** Signs in as `email` (the demo password), whoever was signed in before. */
async function signIn(page: Page, email: string): Promise<void> {
	await page.context().clearCookies();
	await signInThroughApi(page, { email, password: 'tiertwo-demo' });
}

test('signed out, the sign-in, enrollment and invitation pages are all Japanese', async ({
	browser
}) => {
	const page = await japanesePage(browser);
	await expectNoEnglish(page, [{ path: '/sign-in' }, { path: '/enroll' }, { path: '/invitation' }]);
});

test('an indirect reseller’s every page is all Japanese', async ({ browser }) => {
	const page = await japanesePage(browser, 'admin@contoso.example');
	await expectNoEnglish(page, [
		{ path: '/' },
		{ path: '/customers', ready: 'Wingtip Toys' },
		{ path: '/customers/wingtip', ready: 'Avery Lee' },
		{ path: '/indirect-providers', ready: 'Northwind Distribution' },
		{ path: '/indirect-providers/find' },
		{ path: '/indirect-providers/northwind/customers', ready: 'Wingtip Toys' },
		{ path: '/partnerships/northwind/contoso', ready: 'Northwind Distribution' },
		{ path: '/enrollment' },
		{ path: '/pending-changes' },
		{ path: '/mailbox' },
		{ path: '/settings' },
		{ path: '/settings/user-management', ready: 'Dana Sales' },
		{ path: '/settings/user-management/contoso-sales', ready: 'Dana Sales' },
		{ path: '/settings/user-management/add' }
	]);
});

test('an indirect provider’s, the program operator’s and a customer’s pages are all Japanese', async ({
	browser
}) => {
	const page = await japanesePage(browser, 'admin@northwind.example');
	await expectNoEnglish(page, [
		{ path: '/' },
		{ path: '/indirect-resellers', ready: 'Contoso IT Services' },
		{ path: '/customers', ready: 'Wingtip Toys' }
	]);
	await signIn(page, 'admin@program.example');
	await expectNoEnglish(page, [
		{ path: '/' },
		{ path: '/enrollment-review' },
		{ path: '/add-indirect-provider' }
	]);
	await signIn(page, 'admin@wingtip.example');
	await expectNoEnglish(page, [{ path: '/organization', ready: 'Contoso IT Services' }]);
});
