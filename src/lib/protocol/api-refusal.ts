// A refusal from any of the HTTP API's endpoints (`/api/*`: auth, enrollment, invitations), one
// shape for all: the status says what kind, the body `{ error }` says which. The server types what
// it sends with it; the app reads it with this schema.
import { z } from 'zod';

/** `{ error }` with a non-2xx status: `code` is an i18n key the app's catalogs have a text for. */
export const refusalBody = z.object({
	error: z.object({
		code: z.string(),
		/** English for logs and curl, or the code again; the app shows its catalog's text */
		message: z.string().optional(),
		/** with 429 (and its Retry-After header): when to try again */
		retryAfterSeconds: z.number().optional(),
		/** a form's refusal: field path (`admin.email`) to its i18n code, shown next to the field */
		fields: z.record(z.string(), z.string()).optional()
	})
});
export type RefusalBody = z.infer<typeof refusalBody>;
