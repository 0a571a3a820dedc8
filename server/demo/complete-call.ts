// One demo call made complete, as if Ringover had sent its recording and the AI had run: the demo
// audio (served by this server), its transcript with times, a summary, a sentiment and suggested
// tasks — precomputed, so the product's point shows without any AI key. Written as the owner with
// the tenant set, after the server listens (the recording's URL is this server's own).
import pg from 'pg';
import { inTransaction } from '../db/transactions.ts';
import { DEMO_RECORDINGS_PATH } from './recordings.ts';

const DEMO_SEGMENTS = [
  { start: 0, end: 2, text: 'Cabinet Martin, bonjour.' },
  { start: 2, end: 6.4, text: 'Bonjour, Marie Dupont à l’appareil, pour la succession de mon père.' },
  { start: 6.4, end: 8.5, text: 'Le notaire attend les pièces signées.' },
  { start: 8.5, end: 10.9, text: 'Très bien, je vous les envoie demain.' },
];

const TASKS = [
  {
    title: 'Envoyer les pièces signées au notaire',
    description: 'Marie Dupont attend l’envoi demain (succession de son père).',
    due_date: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    priority: 'high',
  },
  { title: 'Confirmer la réception au notaire', description: null, due_date: null, priority: 'medium' },
];

export async function completeDemoCall(ownerUrl: string, tenantId: string, serverUrl: string): Promise<void> {
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  const loopback = serverUrl.replace('//localhost:', '//127.0.0.1:');
  try {
    await inTransaction(owner, { 'app.current_tenant': tenantId }, async (client) => {
      const { rows } = await client.query(
        `update app_public.interaction_events set metadata = metadata || $2::jsonb
          where tenant_id = $1 and external_id = 'demo-1001' returning id`,
        [
          tenantId,
          JSON.stringify({
            recording_url: `${loopback}${DEMO_RECORDINGS_PATH}appel-demo.mp3`,
            transcript_status: 'completed',
            transcript: DEMO_SEGMENTS.map((s) => s.text).join(' '),
            transcript_segments: DEMO_SEGMENTS,
            summary_status: 'completed',
            ai_summary:
              'Marie Dupont appelle pour la succession de son père : le notaire attend les pièces signées, que le cabinet enverra demain.',
            sentiment_status: 'completed',
            sentiment_score: 0.55,
            sentiment_label: 'positive',
            tasks_generated: true,
            extracted_tasks: TASKS,
          }),
        ],
      );
      if (rows[0]) await client.query('select app_hidden.save_call_tasks($1, $2)', [rows[0].id, JSON.stringify(TASKS)]);
    });
  } finally {
    await owner.end();
  }
}
