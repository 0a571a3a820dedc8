// Each provider client against its wire format, and how its failures are classified:
// transient (retried with backoff) or permanent (the step fails at once with the message).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { summarizeCall } from '../../server/worker/ai/summarize.ts';
import { classifySentiment, toSentiment } from '../../server/worker/ai/sentiment.ts';
import { StepError } from '../../server/worker/ai/errors.ts';
import { startFakes, SUMMARY, type Fakes } from './support/fakes.ts';

let fakes: Fakes;
beforeAll(async () => {
  fakes = await startFakes();
});
afterAll(() => fakes?.close());

const anthropic = () => new Anthropic({ apiKey: 'k', baseURL: fakes.env.ANTHROPIC_BASE_URL, maxRetries: 0 });
const ctx = { language: 'fr', metadata: { direction: 'inbound' }, contact: { name: 'Marie Dupont' }, case: null };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as StepError,
  );

describe('summary provider (Anthropic Messages)', () => {
  it('returns the validated summary and tasks', async () => {
    expect(await summarizeCall(anthropic(), ctx, 'Bonjour.', { model: 'm', withSentiment: false })).toEqual(SUMMARY);
  });

  it('treats 529 overloaded and 429 as transient, 400 as permanent with the message', async () => {
    fakes.plan('messages', {
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    const overloaded = await failure(summarizeCall(anthropic(), ctx, 'x', { model: 'm', withSentiment: false }));
    expect([overloaded.transient, overloaded.kind]).toEqual([true, 'provider_unavailable']);
    fakes.plan('messages', {
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } },
    });
    expect((await failure(summarizeCall(anthropic(), ctx, 'x', { model: 'm', withSentiment: false }))).kind).toBe(
      'rate_limited',
    );
    fakes.plan('messages', {
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'model: not found' } },
    });
    const rejected = await failure(summarizeCall(anthropic(), ctx, 'x', { model: 'm', withSentiment: false }));
    expect([rejected.transient, rejected.message]).toEqual([
      false,
      'the summary provider answered 400: model: not found',
    ]);
  });

  it('rejects an answer that does not match the schema (worth another try)', async () => {
    const bad = {
      id: 'm',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'text', text: '{"summary": 3}' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    fakes.plan('messages', { status: 200, body: bad });
    const e = await failure(summarizeCall(anthropic(), ctx, 'x', { model: 'm', withSentiment: false }));
    expect([e.transient, e.kind]).toEqual([true, 'provider_invalid_answer']);
  });
});

describe('sentiment provider (Hugging Face Inference API)', () => {
  const opts = () => ({ baseUrl: fakes.env.HF_BASE_URL!, model: 'org/model', token: 'hf', timeoutMs: 5000 });

  it('scores P(positive) − P(negative) and labels the likeliest class', async () => {
    expect(await classifySentiment('Merci beaucoup', opts())).toEqual({ score: 0.6, label: 'positive' });
    expect(
      toSentiment([
        { label: 'LABEL_0', score: 0.8 },
        { label: 'LABEL_1', score: 0.15 },
        { label: 'LABEL_2', score: 0.05 },
      ]),
    ).toEqual({ score: -0.75, label: 'negative' });
    expect(toSentiment([{ label: '5 stars', score: 1 }])).toEqual({ score: 1, label: 'positive' });
  });

  it('treats 503 (model loading) as transient and 401 as permanent', async () => {
    fakes.plan('sentiment', { status: 503, body: { error: 'Model is currently loading', estimated_time: 20 } });
    const loading = await failure(classifySentiment('x', opts()));
    expect([loading.transient, loading.message]).toEqual([
      true,
      'the sentiment provider answered 503: Model is currently loading',
    ]);
    fakes.plan('sentiment', { status: 401, body: { error: 'Invalid credentials in Authorization header' } });
    expect((await failure(classifySentiment('x', opts()))).transient).toBe(false);
  });
});
