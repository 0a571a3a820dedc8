// The live stream's event types, shared with the server that sends them (server/live/events.ts).
// Type-only: nothing from outside web/ reaches the bundle.
export type { LiveCall, LiveEvent, LiveEventType } from '../../../../server/live/events.ts';
