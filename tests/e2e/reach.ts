// On a phone an action is reachable when scrolling down brings it fully on screen: nothing in the
// page or around it scrolls sideways, and it lies within the viewport's width.
import { expect, type Locator } from '@playwright/test';

interface Reach {
	box: { x: number; y: number; width: number; height: number };
	viewport: { width: number; height: number };
	pageScrollWidth: number;
	/** ancestors that hide part of their content behind a sideways scroll */
	sidewaysScrollers: string[];
}

/**
 * Scrolls `target` into view vertically only (Playwright's own scrolling would also scroll a
 * container sideways and so hide the very overflow this looks for), then asserts it lies within the
 * viewport's width and height, and that neither the page nor any container around it scrolls
 * sideways.
 */
export async function expectWithinReach(target: Locator, what?: string): Promise<void> {
	const name = what ?? String(target);
	await expect(target, name).toBeVisible();
	const reach = await target.evaluate((element): Reach => {
		const sidewaysScrollers: string[] = [];
		for (let parent = element.parentElement; parent; parent = parent.parentElement) {
			const style = getComputedStyle(parent);
			if (style.overflowX !== 'visible' && parent.scrollWidth > parent.clientWidth + 1) {
				sidewaysScrollers.push(
					`${parent.tagName.toLowerCase()}.${parent.className} (${parent.scrollWidth} > ${parent.clientWidth})`
				);
			}
			if (/auto|scroll/.test(style.overflowY) && parent.scrollHeight > parent.clientHeight) {
				const offset = element.getBoundingClientRect().top - parent.getBoundingClientRect().top;
				parent.scrollTop += offset - parent.clientHeight / 2;
			}
		}
		const rect = element.getBoundingClientRect();
		window.scrollBy(0, rect.top + rect.height / 2 - window.innerHeight / 2);
		const { x, y, width, height } = element.getBoundingClientRect();
		return {
			box: { x, y, width, height },
			viewport: { width: window.innerWidth, height: window.innerHeight },
			pageScrollWidth: document.documentElement.scrollWidth,
			sidewaysScrollers
		};
	});
	const viewport = target.page().viewportSize();
	expect(viewport, 'the test sets a viewport').not.toBeNull();
	const width = Math.min(viewport?.width ?? 0, reach.viewport.width);
	const height = Math.min(viewport?.height ?? 0, reach.viewport.height);
	expect(reach.pageScrollWidth, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(width);
	expect(reach.sidewaysScrollers, `${name}: inside a sideways scroll`).toEqual([]);
	expect(reach.box.x, `${name}: left edge`).toBeGreaterThanOrEqual(0);
	expect(reach.box.x + reach.box.width, `${name}: right edge`).toBeLessThanOrEqual(width);
	expect(reach.box.y, `${name}: top edge`).toBeGreaterThanOrEqual(0);
	expect(reach.box.y + reach.box.height, `${name}: bottom edge`).toBeLessThanOrEqual(height);
}

/** Taps `target` once it is within reach, as a thumb would. */
export async function tapWithinReach(target: Locator, what?: string): Promise<void> {
	await expectWithinReach(target, what);
	await target.tap();
}
