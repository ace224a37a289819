// Finds a Chromium to drive: Playwright's own where installed (a normal laptop), else Debian's.
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';

export const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update'
];

const SYSTEM_CHROMIUM = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome'
];

export function findChromium(): string | undefined {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv && existsSync(fromEnv)) return fromEnv;
	try {
		const own = chromium.executablePath();
		if (own && existsSync(own)) return undefined; // Playwright launches its own browser by default
	} catch {
		// no Playwright-managed browser: fall through to the system one
	}
	return SYSTEM_CHROMIUM.find((candidate) => existsSync(candidate));
}

export function hasAnyChromium(): boolean {
	try {
		if (existsSync(chromium.executablePath())) return true;
	} catch {
		// ignore
	}
	return findChromium() !== undefined;
}
