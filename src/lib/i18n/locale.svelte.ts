// The UI language: chosen in the shell, persisted per device, defaulting to the browser's language.
import {
	baseLocale,
	extractLocaleFromNavigator,
	isLocale,
	localStorageKey,
	locales,
	overwriteGetLocale,
	overwriteSetLocale,
	type Locale
} from './paraglide/runtime.js';

export type { Locale };
export { locales };

/**
 * Same order as the Paraglide strategy in vite.config.ts (localStorage > preferredLanguage >
 * baseLocale), resolved here without Paraglide's side effect of saving the browser's language
 * as if the user had chosen it.
 */
function initialLocale(): Locale {
	const stored = globalThis.localStorage?.getItem(localStorageKey);
	if (isLocale(stored)) return stored;
	if (typeof navigator !== 'undefined') return extractLocaleFromNavigator() ?? baseLocale;
	return baseLocale;
}

class LocaleState {
	#current = $state<Locale>(initialLocale());

	constructor() {
		// Messages read getLocale() on every call, so backing it with $state makes every
		// translated string reactive: switching language re-renders in place, with no reload that
		// could lose work in progress (Paraglide's default setLocale reloads the page).
		overwriteGetLocale(() => this.#current);
		overwriteSetLocale((locale) => this.choose(locale));
		this.#applyToDocument();
	}

	get current(): Locale {
		return this.#current;
	}

	choose(locale: Locale): void {
		globalThis.localStorage?.setItem(localStorageKey, locale);
		this.#current = locale;
		this.#applyToDocument();
	}

	#applyToDocument(): void {
		if (typeof document !== 'undefined') document.documentElement.lang = this.#current;
	}
}

export const locale = new LocaleState();
