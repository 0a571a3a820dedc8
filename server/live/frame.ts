// Bytes that many streams receive: an SSE text is encoded once for all of them, already framed as
// the HTTP/1.1 chunk a chunked response sends (see sink.ts), so a round of events costs one Buffer
// and one write per stream whatever the number of streams.
const CRLF = '\r\n';

export class Frame {
  readonly text: string;
  private plain: Buffer | null = null;
  private chunk: Buffer | null = null;

  constructor(text: string) {
    this.text = text;
  }

  /** The bytes to put on the socket: the text itself, or the text as one HTTP/1.1 chunk. */
  bytes(chunked: boolean): Buffer {
    if (!chunked) return (this.plain ??= Buffer.from(this.text));
    return (this.chunk ??= Buffer.from(`${Buffer.byteLength(this.text).toString(16)}${CRLF}${this.text}${CRLF}`));
  }
}
