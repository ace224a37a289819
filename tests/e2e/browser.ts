// Finds a Chromium to drive: Playwright's own where installed (a normal laptop), else Debian's:
// its headless shell where installed (what Playwright itself runs headless tests in: it renders
// the same pages with much less work per context), else the full browser.
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';

export const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update'
];

const SYSTEM_HEADLESS_SHELL = [
	'/usr/lib/chromium/chromium-headless-shell',
	'/usr/lib/chromium/headless_shell'
];

const SYSTEM_CHROMIUM = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome'
];

/**
 * The Chromium to launch (undefined: Playwright's own). `full`: the whole browser even where a
 * headless shell is installed (Chromium's install prompt and a persistent profile need it).
 */
export function findChromium(options: { full?: boolean } = {}): string | undefined {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv && existsSync(fromEnv)) return fromEnv;
	try {
		const own = chromium.executablePath();
		if (own && existsSync(own)) return undefined; // Playwright launches its own browser by default
	} catch {
		// no Playwright-managed browser: fall through to the system one
	}
	const candidates = options.full
		? SYSTEM_CHROMIUM
		: [...SYSTEM_HEADLESS_SHELL, ...SYSTEM_CHROMIUM];
	return candidates.find((candidate) => existsSync(candidate));
}

export function hasAnyChromium(): boolean {
	try {
		if (existsSync(chromium.executablePath())) return true;
	} catch {
		// ignore
	}
	return findChromium() !== undefined;
}
