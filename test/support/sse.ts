// A small Server-Sent Events client for tests: fetch plus the parsing rules of the HTML standard
// (fields, comments, multi-line data, CR/LF/CRLF), keeping every event and comment it reads so tests
// can assert on exactly what went over the wire. No dependency: EventSource would hide the comments,
// the status code and the end of the stream, which are what several tests are about.

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export class SseStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Resolves when the server ends the stream (or it is aborted). */
  readonly ended: Promise<void>;
  lastEventId: string | undefined;
  private done = false;
  private readonly controller: AbortController;
  private readonly waiters = new Set<() => void>();

  private constructor(response: Response, controller: AbortController) {
    this.status = response.status;
    this.headers = response.headers;
    this.controller = controller;
    this.ended = response.body ? this.read(response.body) : Promise.resolve();
  }

  static async open(url: string, opts: { headers?: Record<string, string> } = {}): Promise<SseStream> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...opts.headers },
      signal: controller.signal,
    });
    return new SseStream(response, controller);
  }

  get closed(): boolean {
    return this.done;
  }

  /** Events of the given types (all but `connected` when none is given). */
  of(...types: string[]): SseEvent[] {
    return this.events.filter((e) => (types.length ? types.includes(e.event) : e.event !== 'connected'));
  }

  /** Waits until `check` holds on what was received; fails with what was received otherwise. */
  async until(check: (stream: SseStream) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check(this)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = this.events.map((e) => `${e.id}:${e.event}`).join(', ');
        reject(
          new Error(
            `SSE: expected ${what}; got ${this.events.length} events [${seen}], ${this.comments.length} comments, ${this.done ? 'ended' : 'open'}`,
          ),
        );
      }, timeoutMs);
      const wake = () => {
        if (check(this) || this.done) {
          clearTimeout(timer);
          this.waiters.delete(wake);
          if (check(this)) resolve();
          else
            reject(
              new Error(
                `SSE: the stream ended before ${what}; got ${this.events.map((e) => `${e.id}:${e.event}`).join(', ')}`,
              ),
            );
        }
      };
      this.waiters.add(wake);
    });
  }

  /** Waits for `count` events other than `connected`. */
  untilEvents(count: number, timeoutMs?: number): Promise<void> {
    return this.until((s) => s.of().length >= count, `${count} events`, timeoutMs);
  }

  close(): void {
    this.controller.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let event: { id?: string; event?: string; data: string[] } = { data: [] };
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: RegExpExecArray | null;
        const lineEnd = /\r\n|\r|\n/g;
        let start = 0;
        while ((newline = lineEnd.exec(buffer))) {
          // A lone CR at the very end may be the first half of CRLF: wait for more.
          if (newline[0] === '\r' && newline.index === buffer.length - 1) break;
          const line = buffer.slice(start, newline.index);
          start = newline.index + newline[0].length;
          if (line === '') {
            if (event.data.length > 0) {
              if (event.id !== undefined) this.lastEventId = event.id;
              this.events.push({
                id: event.id ?? this.lastEventId,
                event: event.event ?? 'message',
                data: event.data.join('\n'),
              });
            } else if (event.id !== undefined) {
              this.lastEventId = event.id;
            }
            event = { data: [] };
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let value = colon < 0 ? '' : line.slice(colon + 1);
            if (value.startsWith(' ')) value = value.slice(1);
            if (field === 'data') event.data.push(value);
            else if (field === 'event') event.event = value;
            else if (field === 'id' && !value.includes('\0')) event.id = value;
          }
        }
        buffer = buffer.slice(start);
        this.wake();
      }
    } catch {
      // Aborted by close(), or the connection was cut: either way the stream is over.
    } finally {
      this.done = true;
      this.wake();
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The JSON payload of an event. */
export function json<T = Record<string, unknown>>(event: SseEvent | undefined): T {
  if (!event) throw new Error('SSE: no such event');
  return JSON.parse(event.data) as T;
}
