// The wire format the app and the sync server share for the two messages tiertwo adds to the
// y-websocket protocol, and the close codes the app acts on. Wire format (after the varUint message
// type): 100 = varString JSON `{ code, eventIds }`, 101 = varUint8Array `Y.encodeStateVector` of
// the server's stored document.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export const MESSAGE_REFUSED = 100;
export const MESSAGE_ACK = 101;

export const CLOSE_REFUSED = 4400;
export const CLOSE_SESSION_EXPIRED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export interface Refusal {
	/** i18n key of the reason */
	code: string;
	/** the events of the refused update */
	eventIds: string[];
}

export function readRefusal(decoder: decoding.Decoder): Refusal {
	try {
		const body = JSON.parse(decoding.readVarString(decoder)) as Partial<Refusal>;
		return {
			code: typeof body.code === 'string' ? body.code : 'error_unexpected',
			eventIds: Array.isArray(body.eventIds)
				? body.eventIds.filter((id): id is string => typeof id === 'string')
				: []
		};
	} catch {
		return { code: 'error_unexpected', eventIds: [] };
	}
}

export function readAck(decoder: decoding.Decoder): Map<number, number> {
	return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
}

/** Encoders for the server side and tests: the same bytes the readers above take. */
export function encodeRefusal(refusal: Refusal): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_REFUSED);
	encoding.writeVarString(encoder, JSON.stringify(refusal));
	return encoding.toUint8Array(encoder);
}

export function encodeAck(stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_ACK);
	encoding.writeVarUint8Array(encoder, stateVector);
	return encoding.toUint8Array(encoder);
}
