// The settings are loaded once before the page shows (nothing live changes them); a failed load
// shows the page's error, as before.
import { gqlQuery } from '#lib/graphql.ts';
import { SETTINGS } from './settings.ts';

export async function load({ fetch, depends }) {
  depends('app:settings');
  try {
    const data = await gqlQuery(SETTINGS, {}, fetch);
    return { settings: data.allTenantSettings?.nodes[0] ?? null, admin: data.currentUser?.role === 'admin' };
  } catch {
    return { settings: null, admin: false, failed: true };
  }
}
