// Reads the message catalogs as Paraglide does: every file the inlang settings' path patterns name
// (one per feature area), merged per locale. A key defined in two files is an error.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const projectDir = path.resolve(import.meta.dirname, '../../../src/lib/i18n/project.inlang');

interface Settings {
	locales: string[];
	'plugin.inlang.messageFormat': { pathPattern: string | string[] };
}

const settings = JSON.parse(
	readFileSync(path.join(projectDir, 'settings.json'), 'utf8')
) as Settings;

export const LOCALES = settings.locales;

export function catalogFiles(locale: string): string[] {
	const patterns = settings['plugin.inlang.messageFormat'].pathPattern;
	return (Array.isArray(patterns) ? patterns : [patterns]).map((pattern) =>
		path.resolve(projectDir, '..', pattern.replace('{locale}', locale))
	);
}

export function catalog(locale: string): Record<string, string> {
	const messages: Record<string, string> = {};
	for (const file of catalogFiles(locale)) {
		const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
		for (const [key, value] of Object.entries(raw)) {
			if (key === '$schema') continue;
			if (typeof value !== 'string') throw new Error(`${file}: ${key} is not a string`);
			if (key in messages) throw new Error(`${file}: ${key} is defined in another catalog too`);
			messages[key] = value;
		}
	}
	return messages;
}
