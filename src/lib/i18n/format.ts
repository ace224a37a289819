// Dates, times, numbers and country/region names in the app's language, not the browser's (a
// Japanese UI in an English-locale browser showed "Dec 6, 2026"): one formatter per language and
// style, made once; read while rendering, they follow a change of language like the messages do.
import { locale } from './locale.svelte';

export type DateStyle = 'date' | 'longDate' | 'dateTime';

const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
	date: { dateStyle: 'medium' },
	longDate: { dateStyle: 'long' },
	dateTime: { dateStyle: 'medium', timeStyle: 'short' }
};

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A date (and time, for 'dateTime') in the app's language. */
export function formatDate(value: number | Date, style: DateStyle = 'date'): string {
	const key = `${locale.current} ${style}`;
	let format = dateFormats.get(key);
	if (!format) {
		dateFormats.set(key, (format = new Intl.DateTimeFormat(locale.current, DATE_OPTIONS[style])));
	}
	return format.format(value);
}

/** What a page keeps as its `date.format(...)`: the style fixed, the language read at each call. */
export function dateFormat(style: DateStyle): { format(value: number | Date): string } {
	return { format: (value) => formatDate(value, style) };
}

/** A count or amount in the app's language (1,234 / 1,234 / ...). */
export function formatNumber(value: number): string {
	let format = numberFormats.get(locale.current);
	if (!format) numberFormats.set(locale.current, (format = new Intl.NumberFormat(locale.current)));
	return format.format(value);
}

const regionNames = new Map<string, Intl.DisplayNames>();

/**
 * A country/region's name in the app's language (US -> United States / アメリカ合衆国), so refusals
 * and facts name countries in words; a code Intl does not know is shown as it is.
 */
export function regionName(code: string): string {
	let names = regionNames.get(locale.current);
	if (!names) {
		regionNames.set(
			locale.current,
			(names = new Intl.DisplayNames([locale.current], { type: 'region' }))
		);
	}
	try {
		return names.of(code) ?? code;
	} catch {
		return code;
	}
}
