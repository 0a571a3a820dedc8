// Step 4: the caller's sentiment through the Hugging Face Inference API wire format
// (POST HF_BASE_URL/SENTIMENT_MODEL {"inputs": text} → [[{label, score}, ...]]), so a self-hosted
// text-classification endpoint works the same. Scores become one number in -1..1:
// P(positive) − P(negative); star-rating models (1–5 stars) map linearly.
import { z } from 'zod';
import { classify, httpStepError, permanent } from './errors.ts';

export interface Sentiment {
  score: number;
  label: 'negative' | 'neutral' | 'positive';
}

const Scores = z.array(z.object({ label: z.string(), score: z.number() }));
const Answer = z.union([
  z
    .array(Scores)
    .min(1)
    .transform((outer) => outer[0]!),
  Scores,
]);

/** The part of the transcript sent: classification models read ~512 tokens. */
const SENTIMENT_INPUT_CHARS = 2000;

export async function classifySentiment(
  text: string,
  opts: { baseUrl: string; model: string; token: string; timeoutMs: number; signal?: AbortSignal },
): Promise<Sentiment> {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/${opts.model}`;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${opts.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ inputs: text.slice(0, SENTIMENT_INPUT_CHARS) }),
      signal: opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout,
    });
  } catch (error) {
    throw classify('the sentiment provider', error);
  }
  const body = await response.text().catch(() => '');
  if (!response.ok) {
    let detail = body.slice(0, 300);
    try {
      const parsed = JSON.parse(body) as { error?: unknown };
      if (typeof parsed.error === 'string') detail = parsed.error;
    } catch {}
    throw httpStepError('the sentiment provider', response.status, detail || undefined);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw permanent('provider_invalid_answer', "the sentiment provider's answer is not JSON");
  }
  const parsed = Answer.safeParse(json);
  if (!parsed.success || parsed.data.length === 0)
    throw permanent('provider_invalid_answer', "the sentiment provider's answer is not a list of {label, score}");
  return toSentiment(parsed.data);
}

export function toSentiment(scores: Array<{ label: string; score: number }>): Sentiment {
  const p = { negative: 0, neutral: 0, positive: 0 };
  let stars = 0;
  let starMass = 0;
  for (const { label, score } of scores) {
    const l = label.toLowerCase();
    const star = /^([1-5]) stars?$/.exec(l);
    if (star) {
      stars += Number(star[1]) * score;
      starMass += score;
    } else if (/neg/.test(l) || l === 'label_0') p.negative += score;
    else if (/neu/.test(l) || l === 'label_1') p.neutral += score;
    else if (/pos/.test(l) || l === 'label_2') p.positive += score;
  }
  if (starMass === 0 && p.negative + p.neutral + p.positive === 0) {
    throw permanent(
      'provider_invalid_answer',
      `the sentiment model's labels are not sentiments (${scores.map((s) => s.label).join(', ')})`,
    );
  }
  const score = starMass > 0 ? (stars / starMass - 3) / 2 : p.positive - p.negative;
  const clamped = Math.max(-1, Math.min(1, Math.round(score * 1000) / 1000));
  const label: Sentiment['label'] =
    starMass > 0
      ? clamped > 0.2
        ? 'positive'
        : clamped < -0.2
          ? 'negative'
          : 'neutral'
      : p.positive >= p.negative && p.positive >= p.neutral
        ? 'positive'
        : p.negative >= p.neutral
          ? 'negative'
          : 'neutral';
  return { score: clamped, label };
}
