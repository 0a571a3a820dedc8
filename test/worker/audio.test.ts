// Recognising audio, and splitting MP3 and WAV recordings into valid pieces below the upload limit.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffAudio, splitAudio, mp3Duration, mp3Frames, wavFile } from '../../server/worker/ai/audio.ts';
import { FIXTURE_MP3 } from './support/fakes.ts';
import { writeFileSync } from 'node:fs';

describe('audio', () => {
  it('recognises audio formats by their first bytes, and nothing else', () => {
    expect(sniffAudio(FIXTURE_MP3)).toBe('mp3');
    expect(sniffAudio(Buffer.from('ID3\x04\x00'))).toBe('mp3');
    expect(sniffAudio(Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt '))).toBe('wav');
    expect(sniffAudio(Buffer.from('OggS\x00\x02'))).toBe('ogg');
    expect(sniffAudio(Buffer.from('<!doctype html>'))).toBeNull();
    expect(sniffAudio(Buffer.from('{"error":"x"}'))).toBeNull();
  });

  it('reads the duration of the French fixture from its frames (ffprobe says 8.532 s)', () => {
    expect(mp3Duration(FIXTURE_MP3)).toBeCloseTo(8.532, 1);
  });

  it('splits an MP3 on frame boundaries: pieces under the limit, valid, contiguous, covering the whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-audio-'));
    try {
      const source = join(dir, 'in.mp3');
      writeFileSync(source, FIXTURE_MP3);
      const pieces = await splitAudio(source, 'mp3', 10_000, dir);
      expect(pieces.length).toBe(4);
      let clock = 0;
      for (const piece of pieces) {
        const data = readFileSync(piece.path);
        expect(data.length).toBeLessThanOrEqual(10_000);
        expect(sniffAudio(data)).toBe('mp3');
        expect(piece.offset).toBeCloseTo(clock, 6);
        expect(mp3Duration(data)).toBeCloseTo(piece.duration, 6);
        clock += piece.duration;
      }
      expect(clock).toBeCloseTo(mp3Duration(FIXTURE_MP3), 6);
      expect(pieces.reduce((n, p) => n + p.bytes, 0)).toBe(mp3Frames(FIXTURE_MP3).reduce((n, f) => n + f.length, 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits a WAV into WAV files whose offsets follow the byte rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-audio-'));
    try {
      // 3 s of 8 kHz mono 16-bit PCM: 16,000 bytes per second.
      const fmt = Buffer.alloc(16);
      fmt.writeUInt16LE(1, 0);
      fmt.writeUInt16LE(1, 2);
      fmt.writeUInt32LE(8000, 4);
      fmt.writeUInt32LE(16000, 8);
      fmt.writeUInt16LE(2, 12);
      fmt.writeUInt16LE(16, 14);
      const source = join(dir, 'in.wav');
      writeFileSync(source, wavFile(fmt, Buffer.alloc(48_000)));
      const pieces = await splitAudio(source, 'wav', 20_044, dir);
      expect(pieces.map((p) => [p.offset, p.duration, p.bytes])).toEqual([
        [0, 1.25, 20_044],
        [1.25, 1.25, 20_044],
        [2.5, 0.5, 8_044],
      ]);
      expect(sniffAudio(readFileSync(pieces[1]!.path))).toBe('wav');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to split formats it cannot cut, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-audio-'));
    try {
      const source = join(dir, 'in.ogg');
      writeFileSync(source, Buffer.concat([Buffer.from('OggS'), Buffer.alloc(5000)]));
      await expect(splitAudio(source, 'ogg', 1024, dir)).rejects.toThrow(
        /ogg recordings cannot be split \(mp3 and wav can\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
