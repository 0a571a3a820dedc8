// Step 2: the transcript, through any OpenAI-compatible /audio/transcriptions endpoint (OPENAI_BASE_URL),
// as verbose_json with segment times, in the tenant's language. Recordings above the provider's
// upload limit are split (audio.ts) and their pieces' segments put back on the recording's clock.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import { CONTENT_TYPES, splitAudio, type AudioFormat, type AudioPiece } from './audio.ts';
import { classify, permanent } from './errors.ts';

interface Segment {
  start: number;
  end: number;
  text: string;
}

export interface Transcript {
  text: string;
  segments: Segment[];
  pieces: number;
}

// What we rely on in the provider's answer; other fields are ignored.
const VerboseAnswer = z.object({
  text: z.string(),
  duration: z.coerce.number().optional(),
  segments: z.array(z.object({ start: z.coerce.number(), end: z.coerce.number(), text: z.string() })).nullish(),
});

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function transcribeRecording(
  client: OpenAI,
  recording: { path: string; bytes: number; format: AudioFormat },
  opts: { model: string; language: string; maxUploadBytes: number; dir: string; signal?: AbortSignal },
): Promise<Transcript> {
  const pieces: AudioPiece[] =
    recording.bytes <= opts.maxUploadBytes
      ? [{ path: recording.path, offset: 0, duration: Number.NaN, bytes: recording.bytes }]
      : await splitAudio(recording.path, recording.format, opts.maxUploadBytes, opts.dir);
  const texts: string[] = [];
  const segments: Segment[] = [];
  for (const piece of pieces) {
    const answer = await transcribePiece(client, piece.path, recording.format, opts);
    const text = answer.text.trim();
    if (text) texts.push(text);
    const own = answer.segments?.length
      ? answer.segments
      : text
        ? [{ start: 0, end: answer.duration ?? (Number.isNaN(piece.duration) ? 0 : piece.duration), text }]
        : [];
    for (const s of own) {
      const t = s.text.trim();
      if (t) segments.push({ start: round(piece.offset + s.start), end: round(piece.offset + s.end), text: t });
    }
  }
  return { text: texts.join(' '), segments, pieces: pieces.length };
}

async function transcribePiece(
  client: OpenAI,
  path: string,
  format: AudioFormat,
  opts: { model: string; language: string; signal?: AbortSignal },
) {
  let raw: unknown;
  try {
    const file = await toFile(createReadStream(path), `${basename(path).replace(/\.[a-z0-9]+$/, '')}.${format}`, {
      type: CONTENT_TYPES[format],
    });
    raw = await client.audio.transcriptions.create(
      {
        file,
        model: opts.model,
        response_format: 'verbose_json',
        timestamp_granularities: ['segment'],
        language: opts.language,
      },
      { signal: opts.signal },
    );
  } catch (error) {
    throw classify('the transcription provider', error);
  }
  const parsed = VerboseAnswer.safeParse(raw);
  if (!parsed.success)
    throw permanent(
      'provider_invalid_answer',
      `the transcription provider's answer has no text (${parsed.error.issues[0]?.message})`,
    );
  return parsed.data;
}
