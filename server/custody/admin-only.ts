// Custody endpoints are for a firm's admins: a staff token gets a JSON 403 (the database says the same
// through its policies; this answers clearly instead of with an empty page).
import type { RequestHandler } from 'express';
import { HttpError } from '../http/errors.ts';

export const requireAdmin: RequestHandler = (req, _res, next) => {
  if (req.staff?.role !== 'admin') throw new HttpError(403, 'forbidden', 'Only an admin of the firm may do this.');
  next();
};
