// A websocket that carries one document (`/sync/<name>`, the stock y-websocket client's endpoint),
// as the transport of that document's SyncConnection; also the heartbeat that finds it dead.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { SyncConnection, SyncTransport } from './sync-connection.js';

/** ws keeps its TCP socket private; corking it batches the frames of one flush into one write. */
export function tcpSocketOf(ws: WebSocket): Socket | undefined {
	return (ws as unknown as { _socket?: Socket })._socket;
}

export class DocumentSocket implements SyncTransport {
	readonly #ws: WebSocket;
	#alive = true;

	constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on('pong', () => {
			this.#alive = true;
		});
	}

	/** Hands the client's messages to `connection`, and tells it when the socket is gone. */
	attach(connection: SyncConnection): void {
		this.#ws.on('message', (data, isBinary) => connection.receive(data as Buffer, isBinary));
		this.#ws.on('close', () => connection.detach());
		this.#ws.on('error', () => connection.detach());
	}

	send(message: Uint8Array): void {
		if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(message);
	}

	close(code: number, reason: string): void {
		this.#ws.close(code, reason);
	}

	cork(): void {
		tcpSocketOf(this.#ws)?.cork();
	}

	uncork(): void {
		tcpSocketOf(this.#ws)?.uncork();
	}

	/** For the heartbeat: a client that did not answer the last ping is gone (false: ended now). */
	ping(): boolean {
		if (!this.#alive) {
			this.#ws.terminate();
			return false;
		}
		this.#alive = false;
		this.#ws.ping();
		return true;
	}
}
