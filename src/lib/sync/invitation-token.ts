// An invitation link's capability: 256 random bits made on the device (Web Crypto), and the SHA-256
// hash that is all the log and the server ever keep of it.

/** 32 random bytes (256 bits) as base64url: the capability the link carries. */
export function newInvitationToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** SHA-256 of the token's text, as 64 hex digits: all the log ever holds of a link. */
export async function invitationTokenHash(token: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
