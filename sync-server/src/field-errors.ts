// A request body's schema refusal as the forms show it: per field path, its first problem as an
// i18n code (the schema's own message when it is one, required for a missing value, else invalid).
// Shared by the services that read forms (work account, new provider, new customer account).
import type { z } from 'zod';

export function fieldErrors(error: z.ZodError): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const issue of error.issues) {
		const key = issue.path.join('.');
		if (fields[key]) continue;
		fields[key] =
			issue.code === 'invalid_type'
				? 'error_field_required'
				: /^(error|auth)_/.test(issue.message)
					? issue.message
					: 'error_field_invalid';
	}
	return fields;
}
