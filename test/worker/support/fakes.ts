// Local HTTP servers speaking the providers' wire formats, so the real openai and @anthropic-ai/sdk
// clients (and our Hugging Face client) run unchanged against them:
//   POST /openai/v1/audio/transcriptions   (multipart, verbose_json with segments)
//   POST /anthropic/v1/messages            (Messages API; the JSON answer in a text block)
//   POST /hf/models/<model>                (Inference API text classification: [[{label, score}]])
// and a recording host serving the committed French fixture (test/fixtures/audio/appel-fr.mp3),
// plus a few hostile recordings (redirects, oversize, endless, not audio).
// Each provider can be told to answer the next requests otherwise (`plan`), or to hold a request
// until released (`hold`): the crash test kills a worker while it waits.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mp3Duration } from '../../../server/worker/ai/audio.ts';

export const FIXTURE_MP3 = readFileSync(fileURLToPath(new URL('../../fixtures/audio/appel-fr.mp3', import.meta.url)));

export const SPOKEN = [
  "Bonjour Maître Martin, c'est Marie Dupont.",
  'Je vous rappelle pour le dossier de succession.',
  "Pouvez-vous m'envoyer le projet d'acte avant vendredi ?",
];

export const SUMMARY = {
  summary: "Marie Dupont rappelle au sujet de la succession et demande le projet d'acte avant vendredi.",
  tasks: [
    {
      title: "Envoyer le projet d'acte à Marie Dupont",
      description: "Projet d'acte de la succession, demandé au téléphone.",
      due_date: '2026-11-27',
      priority: 'high',
    },
    {
      title: 'Rappeler Marie Dupont',
      description: 'Confirmer la réception du projet.',
      due_date: null,
      priority: 'medium',
    },
  ],
};

type Provider = 'transcribe' | 'messages' | 'sentiment';
interface Planned {
  status: number;
  body: unknown;
}

interface Received {
  transcribe: Array<{ model: string; language: string; format: string; bytes: number; filename: string }>;
  messages: Array<{ model: string; system: string; content: string; schema: unknown }>;
  sentiment: Array<{ model: string; inputs: string; authorization: string | undefined }>;
  recordings: string[];
}

export interface Fakes {
  url: string;
  /** Environment that points every provider and the recording allow-list at these servers. */
  env: Record<string, string>;
  received: Received;
  /** Answers the next requests to a provider with these (status, body), in order. */
  plan(provider: Provider, ...answers: Planned[]): void;
  /** Holds the next request to a provider until the returned function is called; `arrived` resolves when it comes. */
  hold(provider: Provider): { arrived: Promise<void>; release: () => void };
  /** Bytes the endless recording managed to send before the client hung up, once it did. */
  endless: { written: number; closed: Promise<void> };
  recordingUrl(name?: string): string;
  close(): Promise<void>;
}

export const openAiError = (status: number, message: string): Planned => ({
  status,
  body: {
    error: {
      message,
      type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
      param: null,
      code: null,
    },
  },
});

export async function startFakes(): Promise<Fakes> {
  const received: Received = { transcribe: [], messages: [], sentiment: [], recordings: [] };
  const plans: Record<Provider, Planned[]> = { transcribe: [], messages: [], sentiment: [] };
  const holds: Record<Provider, Array<{ arrived: () => void; released: Promise<void> }>> = {
    transcribe: [],
    messages: [],
    sentiment: [],
  };
  let endlessClosed!: () => void;
  const endless = { written: 0, closed: new Promise<void>((resolve) => (endlessClosed = resolve)) };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(error) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname.startsWith('/recordings/'))
      return recording(url.pathname.slice('/recordings/'.length), req, res);
    const provider: Provider | null =
      url.pathname === '/openai/v1/audio/transcriptions'
        ? 'transcribe'
        : url.pathname === '/anthropic/v1/messages'
          ? 'messages'
          : url.pathname.startsWith('/hf/models/')
            ? 'sentiment'
            : null;
    if (!provider) return send(res, 404, { error: { message: `no route ${req.method} ${url.pathname}` } });

    let answer: Planned;
    if (provider === 'transcribe') {
      const form = await new Request('http://fake/', {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: new Uint8Array(body),
      }).formData();
      const file = form.get('file') as File;
      const audio = Buffer.from(await file.arrayBuffer());
      received.transcribe.push({
        model: String(form.get('model')),
        language: String(form.get('language')),
        format: String(form.get('response_format')),
        bytes: audio.length,
        filename: file.name,
      });
      const duration = Math.round(mp3Duration(audio) * 1000) / 1000;
      const third = duration / 3;
      answer = {
        status: 200,
        body: {
          task: 'transcribe',
          language: 'french',
          duration,
          text: SPOKEN.join(' '),
          segments: SPOKEN.map((text, i) => ({
            id: i,
            seek: 0,
            start: i * third,
            end: (i + 1) * third,
            text: ` ${text}`,
            tokens: [],
            temperature: 0,
            avg_logprob: -0.2,
            compression_ratio: 1.2,
            no_speech_prob: 0.01,
          })),
        },
      };
    } else if (provider === 'messages') {
      const request = JSON.parse(body.toString('utf8'));
      const schema = request.output_config?.format?.schema;
      received.messages.push({
        model: request.model,
        system: request.system,
        content: request.messages?.[0]?.content,
        schema,
      });
      const withSentiment = Boolean(schema?.properties?.sentiment);
      const output = withSentiment ? { ...SUMMARY, sentiment: { score: -0.4, label: 'negative' } } : SUMMARY;
      answer = {
        status: 200,
        body: {
          id: `msg_${received.messages.length}`,
          type: 'message',
          role: 'assistant',
          model: request.model,
          content: [{ type: 'text', text: JSON.stringify(output) }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 100, output_tokens: 50 },
        },
      };
    } else {
      const request = JSON.parse(body.toString('utf8'));
      received.sentiment.push({
        model: url.pathname.slice('/hf/models/'.length),
        inputs: request.inputs,
        authorization: req.headers.authorization,
      });
      answer = {
        status: 200,
        body: [
          [
            { label: 'positive', score: 0.7 },
            { label: 'neutral', score: 0.2 },
            { label: 'negative', score: 0.1 },
          ],
        ],
      };
    }
    const held = holds[provider].shift();
    if (held) {
      held.arrived();
      await held.released;
    }
    const planned = plans[provider].shift();
    send(res, planned?.status ?? answer.status, planned ? planned.body : answer.body);
  }

  function recording(name: string, req: IncomingMessage, res: ServerResponse) {
    received.recordings.push(name);
    const { port } = server.address() as AddressInfo;
    switch (name) {
      case 'appel.mp3':
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': FIXTURE_MP3.length });
        return res.end(FIXTURE_MP3);
      case 'moved.mp3':
        res.writeHead(302, { location: `http://127.0.0.1:${port}/recordings/appel.mp3` });
        return res.end();
      case 'redirect-out.mp3':
        // localhost is loopback too, but not in the allow-list (127.0.0.1 is).
        res.writeHead(302, { location: `http://localhost:${port}/recordings/appel.mp3` });
        return res.end();
      case 'gone.mp3':
        return send(res, 404, { error: 'no such recording' });
      case 'page.mp3':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><title>Login</title>');
      case 'huge.mp3': {
        // Says 50 MB up front; sends only as the client reads.
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': 50 * 1024 * 1024 });
        return stream(res, 50 * 1024 * 1024, () => {});
      }
      case 'endless.mp3':
        // No length: the client must count and stop by itself.
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        return stream(res, Number.POSITIVE_INFINITY, (written) => (endless.written = written), endlessClosed);
      default:
        void req;
        return send(res, 404, { error: 'unknown recording' });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${url}/openai/v1`,
      TRANSCRIBE_MODEL: 'whisper-1',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: `${url}/anthropic`,
      SUMMARY_MODEL: 'claude-test',
      SENTIMENT_PROVIDER: 'huggingface',
      HF_API_TOKEN: 'hf_test',
      HF_BASE_URL: `${url}/hf/models`,
      SENTIMENT_MODEL: 'cardiffnlp/twitter-xlm-roberta-base-sentiment',
      RECORDING_ALLOWED_HOSTS: '127.0.0.1',
    },
    received,
    endless,
    plan: (provider, ...answers) => void plans[provider].push(...answers),
    hold(provider) {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((resolve) => (arrived = resolve));
      holds[provider].push({ arrived, released: new Promise<void>((resolve) => (release = resolve)) });
      return { arrived: arrivedP, release };
    },
    recordingUrl: (name = 'appel.mp3') => `${url}/recordings/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes zeros as fast as the client reads, up to `total` bytes, reporting progress. */
function stream(res: ServerResponse, total: number, progress: (written: number) => void, onClose?: () => void) {
  const chunk = Buffer.alloc(16 * 1024);
  let written = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
    onClose?.();
  });
  const pump = () => {
    while (!closed && written < total) {
      written += chunk.length;
      progress(written);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!closed) res.end();
  };
  pump();
}
