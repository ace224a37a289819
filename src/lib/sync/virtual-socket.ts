// One document's socket on the channel: the part of a WebSocket that y-websocket's provider uses,
// its bytes carried by the tab's one real socket (sync-channel.ts) instead of a socket of its own.

/** What the channel does for its virtual sockets. */
export interface VirtualSocketHost {
	/** the document and `ack` a socket's URL names (throws for a URL not on the channel) */
	parse(url: string): { doc: string; ack: boolean };
	opening(socket: VirtualSocket): void;
	send(socket: VirtualSocket, message: Uint8Array): void;
	closing(socket: VirtualSocket): void;
}

export interface VirtualCloseEvent {
	code: number;
	reason: string;
	wasClean: boolean;
}

export class VirtualSocket {
	static readonly CONNECTING = 0;
	static readonly OPEN = 1;
	static readonly CLOSING = 2;
	static readonly CLOSED = 3;
	readonly CONNECTING = 0;
	readonly OPEN = 1;
	readonly CLOSING = 2;
	readonly CLOSED = 3;

	readonly url: string;
	readonly doc: string;
	readonly ack: boolean;
	binaryType: BinaryType = 'arraybuffer';
	readyState = VirtualSocket.CONNECTING;
	onopen: ((event: Event) => void) | null = null;
	onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
	onclose: ((event: VirtualCloseEvent) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	readonly #host: VirtualSocketHost;

	constructor(host: VirtualSocketHost, url: string | URL) {
		this.#host = host;
		this.url = String(url);
		const { doc, ack } = host.parse(this.url);
		this.doc = doc;
		this.ack = ack;
		host.opening(this);
	}

	send(data: ArrayBufferLike | ArrayBufferView): void {
		if (this.readyState !== VirtualSocket.OPEN) return;
		const bytes = ArrayBuffer.isView(data)
			? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
			: new Uint8Array(data);
		this.#host.send(this, bytes);
	}

	/** Closed by the app: the server is told, and `onclose` follows as a socket's would. */
	close(code = 1000, reason = ''): void {
		if (this.readyState >= VirtualSocket.CLOSING) return;
		this.readyState = VirtualSocket.CLOSING;
		this.#host.closing(this);
		// A real socket reports its close later, never from inside close().
		queueMicrotask(() => this.closed(code, reason));
	}

	/** The server opened the document. */
	opened(): void {
		if (this.readyState !== VirtualSocket.CONNECTING) return;
		this.readyState = VirtualSocket.OPEN;
		this.onopen?.(new Event('open'));
	}

	/** A frame of the document from the server. */
	received(message: Uint8Array): void {
		if (this.readyState !== VirtualSocket.OPEN) return;
		// y-websocket reads `event.data` as an ArrayBuffer of exactly the message.
		this.onmessage?.({ data: message.slice().buffer });
	}

	/** Closed by the server (the document or the whole channel) or by the app. */
	closed(code: number, reason: string): void {
		if (this.readyState === VirtualSocket.CLOSED) return;
		this.readyState = VirtualSocket.CLOSED;
		this.onclose?.({ code, reason, wasClean: code === 1000 });
	}
}
