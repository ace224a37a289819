// The route parameters of a partnership's page, from its document name (Indirect providers and
// Indirect resellers link each row to it with resolve('/(app)/partnerships/[providerId]/[resellerId]')).
import { parseDocumentName } from '$lib/domain/documents';

export function partnershipParams(doc: string): { providerId: string; resellerId: string } {
	const ref = parseDocumentName(doc);
	if (ref?.kind !== 'partnership') throw new RangeError(`not a partnership document: ${doc}`);
	return { providerId: ref.providerId, resellerId: ref.resellerId };
}
