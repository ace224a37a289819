// Regenerates the app's PNG icons from the SVG sources with Chromium (no native image library needed).
// Run: node --import tsx tests/e2e/tools/render-icons.ts
import { chromium } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_FLAGS, findChromium } from '../browser';

const iconsDir = path.resolve(import.meta.dirname, '..', '..', '..', 'static', 'icons');

const outputs = [
	{ source: 'icon.svg', size: 192, file: 'icon-192.png' },
	{ source: 'icon.svg', size: 512, file: 'icon-512.png' },
	{ source: 'icon-maskable.svg', size: 512, file: 'icon-maskable-512.png' }
];

const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
try {
	const page = await browser.newPage({ deviceScaleFactor: 1 });
	for (const { source, size, file } of outputs) {
		const svg = await readFile(path.join(iconsDir, source), 'utf8');
		await page.setViewportSize({ width: size, height: size });
		const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
		await page.setContent(
			`<html><body style="margin:0;background:transparent">` +
				`<img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`
		);
		await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
		await page.screenshot({
			path: path.join(iconsDir, file),
			omitBackground: true,
			clip: { x: 0, y: 0, width: size, height: size }
		});
		console.log(`wrote static/icons/${file} (${size}x${size})`);
	}
} finally {
	await browser.close();
}
