// An SSE response as the hub writes to it, once its headers are out. Frames go to the socket
// directly, already chunk-framed (frame.ts): res.write would frame each chunk again, cork the socket
// and uncork it on the next tick, and hand the kernel three buffers, for each of thousands of streams
// every round. Everything else (the end of the stream, the chunked terminator) still goes through
// the response, after what was written to the socket.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Frame } from './frame.ts';

/** What the hub needs of a stream. */
export interface LiveSink {
  /** False when the write was buffered beyond the socket's high-water mark. */
  write(frame: Frame): boolean;
  /** Bytes written but not yet handed to the kernel. */
  readonly writableLength: number;
  end(): unknown;
  destroy(): unknown;
}

export class ResponseSink implements LiveSink {
  private readonly res: ServerResponse;
  /** Null when the response waits behind another one on its connection (pipelining): then res.write throughout. */
  private readonly socket: Socket | null;
  private readonly chunked: boolean;

  /** `res` must have sent its headers. */
  constructor(res: ServerResponse) {
    this.res = res;
    this.socket = res.headersSent ? res.socket : null;
    this.chunked = res.chunkedEncoding;
  }

  write(frame: Frame): boolean {
    return this.socket ? this.socket.write(frame.bytes(this.chunked)) : this.res.write(frame.text);
  }

  get writableLength(): number {
    return this.socket ? this.socket.writableLength : this.res.writableLength;
  }

  end(): void {
    this.res.end();
  }

  destroy(): void {
    this.res.destroy();
  }
}
