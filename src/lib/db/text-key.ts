// The one normalization for searchable text: what an index stores and what a search box looks up.

/** NFKC folds full-width and compatibility forms (ＣＯＮＴＯＳＯ, ｺﾝﾄｿ), then lower case. */
export function searchKey(text: string): string {
	return text.normalize('NFKC').toLowerCase().trim();
}
