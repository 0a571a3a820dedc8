// Audio files as far as transcription needs them: what format a file is (a page of HTML served
// instead of audio fails at once, before any provider is paid), and, for recordings larger than the
// provider's upload limit, a split into pieces below the limit, with each piece's start time so the
// pieces' segments can be stitched back onto the recording's clock.
//
// Decision: split in TypeScript, on frame boundaries, for MP3 (what Ringover records) and WAV — no
// ffmpeg to install, and the pieces are bit-exact parts of the original. Other formats above the
// limit fail with a clear reason.
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { permanent } from './errors.ts';

export type AudioFormat = 'mp3' | 'wav' | 'ogg' | 'flac' | 'm4a' | 'webm';

export const CONTENT_TYPES: Record<AudioFormat, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
};

/** The format of an audio file from its first bytes, or null when it is not audio we know. */
export function sniffAudio(head: Buffer): AudioFormat | null {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString('latin1');
  if (ascii(0, 3) === 'ID3') return 'mp3';
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) !== 0) return 'mp3';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(4, 8) === 'ftyp') return 'm4a';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  return null;
}

export async function sniffFile(path: string): Promise<AudioFormat> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    const format = sniffAudio(head.subarray(0, bytesRead));
    if (!format)
      throw permanent(
        'invalid_audio',
        'the recording is not an audio file in a known format (mp3, wav, ogg, flac, m4a, webm)',
      );
    return format;
  } finally {
    await handle.close();
  }
}

export interface AudioPiece {
  path: string;
  /** Where the piece starts on the recording's clock, in seconds. */
  offset: number;
  /** The piece's duration, in seconds. */
  duration: number;
  bytes: number;
}

/** Splits a recording into files of at most `maxBytes`, each a valid file of the same format. */
export async function splitAudio(
  path: string,
  format: AudioFormat,
  maxBytes: number,
  dir: string,
): Promise<AudioPiece[]> {
  const data = await readFile(path);
  const parts = format === 'mp3' ? splitMp3(data, maxBytes) : format === 'wav' ? splitWav(data, maxBytes) : null;
  if (!parts) {
    throw permanent(
      'recording_too_large',
      `the recording is ${data.length} bytes, over the transcription provider's ${maxBytes}-byte limit, and ${format} recordings cannot be split (mp3 and wav can)`,
    );
  }
  const pieces: AudioPiece[] = [];
  for (const [index, part] of parts.entries()) {
    const piecePath = join(dir, `piece-${String(index).padStart(3, '0')}.${format}`);
    await writeFile(piecePath, part.data);
    pieces.push({ path: piecePath, offset: part.offset, duration: part.duration, bytes: part.data.length });
  }
  return pieces;
}

interface Part {
  data: Buffer;
  offset: number;
  duration: number;
}

// MPEG audio frame header: bitrates (kbit/s) by [version][layer][index], sample rates by [version][index].
const BITRATES: Record<string, number[]> = {
  V1L1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  V1L2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  V1L3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  V2L1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  V2L2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  V2L3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

export interface Mp3Frame {
  start: number;
  length: number;
  samples: number;
  sampleRate: number;
}

function mp3Frame(data: Buffer, at: number): Mp3Frame | null {
  if (at + 4 > data.length || data[at] !== 0xff || (data[at + 1]! & 0xe0) !== 0xe0) return null;
  const b1 = data[at + 1]!;
  const b2 = data[at + 2]!;
  const versionBits = (b1 >> 3) & 0x03; // 3: MPEG1, 2: MPEG2, 0: MPEG2.5
  const layerBits = (b1 >> 1) & 0x03; // 3: I, 2: II, 1: III
  const bitrateIndex = (b2 >> 4) & 0x0f;
  const rateIndex = (b2 >> 2) & 0x03;
  const padding = (b2 >> 1) & 0x01;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const layer = 4 - layerBits;
  const table = `${versionBits === 3 ? 'V1' : 'V2'}L${layer}`;
  const bitrate = BITRATES[table]![bitrateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[versionBits]![rateIndex]!;
  const samples = layer === 1 ? 384 : layer === 2 || versionBits === 3 ? 1152 : 576;
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  return { start: at, length, samples, sampleRate };
}

/** The audio frames of an MP3 file (ID3v2 tag skipped, Xing/Info header frame left out). */
export function mp3Frames(data: Buffer): Mp3Frame[] {
  let at = 0;
  if (data.subarray(0, 3).toString('latin1') === 'ID3' && data.length >= 10) {
    const size = ((data[6]! & 0x7f) << 21) | ((data[7]! & 0x7f) << 14) | ((data[8]! & 0x7f) << 7) | (data[9]! & 0x7f);
    at = 10 + size + (data[5]! & 0x10 ? 10 : 0);
  }
  const frames: Mp3Frame[] = [];
  while (at < data.length) {
    const frame = mp3Frame(data, at);
    if (!frame || frame.length < 4 || at + frame.length > data.length) {
      if (frames.length > 0) break; // trailing tag (ID3v1 "TAG") or a truncated last frame
      at += 1; // garbage before the first frame: resynchronise
      if (at > 64 * 1024) break;
      continue;
    }
    frames.push(frame);
    at += frame.length;
  }
  const first = frames[0];
  if (first) {
    const body = data.subarray(first.start, first.start + first.length).toString('latin1');
    if (/Xing|Info|VBRI/.test(body)) frames.shift();
  }
  return frames;
}

export function mp3Duration(data: Buffer): number {
  return mp3Frames(data).reduce((sum, f) => sum + f.samples / f.sampleRate, 0);
}

function splitMp3(data: Buffer, maxBytes: number): Part[] {
  const frames = mp3Frames(data);
  if (frames.length === 0) throw permanent('invalid_audio', 'the recording says it is MP3 but holds no MP3 frames');
  const parts: Part[] = [];
  let clock = 0;
  let group: Mp3Frame[] = [];
  let groupBytes = 0;
  const flush = () => {
    if (group.length === 0) return;
    const duration = group.reduce((sum, f) => sum + f.samples / f.sampleRate, 0);
    parts.push({
      data: Buffer.concat(group.map((f) => data.subarray(f.start, f.start + f.length))),
      offset: clock,
      duration,
    });
    clock += duration;
    group = [];
    groupBytes = 0;
  };
  for (const frame of frames) {
    if (frame.length > maxBytes) throw permanent('invalid_audio', 'an MP3 frame is larger than the upload limit');
    if (groupBytes + frame.length > maxBytes) flush();
    group.push(frame);
    groupBytes += frame.length;
  }
  flush();
  return parts;
}

function splitWav(data: Buffer, maxBytes: number): Part[] {
  let at = 12;
  let fmt: Buffer | null = null;
  let dataStart = -1;
  let dataLength = 0;
  while (at + 8 <= data.length) {
    const id = data.subarray(at, at + 4).toString('latin1');
    const size = data.readUInt32LE(at + 4);
    if (id === 'fmt ') fmt = data.subarray(at + 8, at + 8 + size);
    if (id === 'data') {
      dataStart = at + 8;
      dataLength = Math.min(size, data.length - dataStart);
      break;
    }
    at += 8 + size + (size % 2);
  }
  if (!fmt || fmt.length < 16 || dataStart < 0)
    throw permanent('invalid_audio', 'the recording says it is WAV but has no fmt or data chunk');
  const byteRate = fmt.readUInt32LE(8);
  const blockAlign = fmt.readUInt16LE(12);
  if (byteRate === 0 || blockAlign === 0)
    throw permanent('invalid_audio', 'the WAV recording has an invalid format chunk');
  const header = 12 + 8 + fmt.length + 8;
  const perPiece = Math.floor((maxBytes - header) / blockAlign) * blockAlign;
  if (perPiece <= 0) throw permanent('invalid_audio', 'the upload limit is smaller than a WAV header');
  const parts: Part[] = [];
  for (let offset = 0; offset < dataLength; offset += perPiece) {
    const pcm = data.subarray(dataStart + offset, dataStart + Math.min(offset + perPiece, dataLength));
    parts.push({ data: wavFile(fmt, pcm), offset: offset / byteRate, duration: pcm.length / byteRate });
  }
  return parts;
}

/** A WAV file from a format chunk and PCM data. */
export function wavFile(fmt: Buffer, pcm: Buffer): Buffer {
  const head = Buffer.alloc(12 + 8 + fmt.length + 8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(head.length - 8 + pcm.length, 4);
  head.write('WAVE', 8, 'latin1');
  head.write('fmt ', 12, 'latin1');
  head.writeUInt32LE(fmt.length, 16);
  fmt.copy(head, 20);
  head.write('data', 20 + fmt.length, 'latin1');
  head.writeUInt32LE(pcm.length, 24 + fmt.length);
  return Buffer.concat([head, pcm]);
}
