// The readable form of a person's export: one self-contained HTML page (no script, no outside
// resource), every value escaped.
const escape = (value: unknown): string =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

type Row = Record<string, unknown>;

function table(rows: Row[], columns: string[]): string {
  if (rows.length === 0) return '<p>—</p>';
  const head = columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td>${escape(r[c])}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function exportHtml(doc: Row): string {
  const contact = (doc.contact ?? {}) as Row;
  const calls = (doc.calls ?? []) as Row[];
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ') || contact.company;
  const callSections = calls
    .map(
      (call) => `<section><h3>${escape(call.title)} — ${escape(call.occurred_at)}</h3>
${call.ai_summary ? `<p><strong>Résumé :</strong> ${escape(call.ai_summary)}</p>` : ''}
${call.transcript ? `<p><strong>Transcription :</strong> ${escape(call.transcript)}</p>` : ''}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Export — ${escape(name)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}</style>
</head><body>
<h1>Données de ${escape(name)}</h1>
<p>Exporté le ${escape(doc.exported_at)}</p>
<h2>Contact</h2>
${table([contact], Object.keys(contact))}
<h2>Dossiers</h2>
${table((doc.cases ?? []) as Row[], ['reference', 'title', 'status', 'role', 'opened_at', 'closed_at'])}
<h2>Appels</h2>
${table(calls, ['occurred_at', 'direction', 'call_type', 'duration_seconds', 'title'])}
${callSections}
<h2>Tâches</h2>
${table((doc.tasks ?? []) as Row[], ['title', 'description', 'due_date', 'priority', 'status'])}
</body></html>
`;
}
