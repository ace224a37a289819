// Runs axe-core with the WCAG tags the project promises and reports violations readably. axe is
// loaded into a document once and run there (axe.run on the whole document): @axe-core/playwright's
// AxeBuilder loaded it again on every check and opened a new page to finish each run, 1.2-1.3 s a
// check against 0.3 s (the app has no frames for it to reach into).
import type { AxeResults, RunOptions } from 'axe-core';
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = readFileSync(
	createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
	'utf8'
);

interface WithAxe {
	axe?: { run(context: Document, options: RunOptions): Promise<AxeResults> };
}

export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
	if (!(await page.evaluate(() => Boolean((window as WithAxe).axe)))) {
		await page.evaluate(AXE_SOURCE);
	}
	const summary = await page.evaluate(async (tags) => {
		const axe = (window as WithAxe).axe;
		if (!axe) throw new Error('axe-core did not load');
		const results = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
		return results.violations.map(
			(violation) =>
				`${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`
		);
	}, WCAG_TAGS);
	expect(summary, what).toEqual([]);
}
