// The y-websocket wire format (y-protocols sync and awareness messages) plus tiertwo's two custom
// messages, `messageRefused` and `messageAck`, which the stock client ignores and the app reads.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { encodeAck as encodeAckVector } from '$lib/protocol/sync-messages';

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;
// 100 is sent just before a 4400 close (JSON `{ code, eventIds }`: why, which events); 101 after an
// accepted update is durable (the stored state vector), since the protocol has no acknowledgement.
// Their wire format lives in one module shared with the app.
export {
	MESSAGE_ACK as messageAck,
	MESSAGE_REFUSED as messageRefused,
	encodeRefusal as encodeRefused,
	type Refusal
} from '$lib/protocol/sync-messages';

export const syncStep1 = syncProtocol.messageYjsSyncStep1;
export const syncStep2 = syncProtocol.messageYjsSyncStep2;
export const syncUpdate = syncProtocol.messageYjsUpdate;

export type IncomingMessage =
	| { readonly type: 'syncStep1'; readonly stateVector: Uint8Array }
	| { readonly type: 'update'; readonly update: Uint8Array }
	| { readonly type: 'awareness'; readonly update: Uint8Array }
	| { readonly type: 'queryAwareness' };

/** Reads one frame without touching any document; throws on anything malformed or unknown. */
export function readMessage(data: Uint8Array): IncomingMessage {
	const decoder = decoding.createDecoder(data);
	const type = decoding.readVarUint(decoder);
	let message: IncomingMessage;
	switch (type) {
		case messageSync: {
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === syncStep1) message = { type: 'syncStep1', stateVector: payload };
			else if (step === syncStep2 || step === syncUpdate) {
				message = { type: 'update', update: payload };
			} else throw new Error(`unknown sync step ${step}`);
			break;
		}
		case messageAwareness:
			message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
			break;
		case messageQueryAwareness:
			message = { type: 'queryAwareness' };
			break;
		default:
			throw new Error(`unknown message type ${type}`);
	}
	if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
	return message;
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeSyncStep2(encoder, doc, stateVector);
	return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageAwareness);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** The acknowledgement for the document as it is now (called once the accepted update is durable). */
export function encodeAck(doc: Y.Doc): Uint8Array {
	return encodeAckVector(Y.encodeStateVector(doc));
}
