// Turns a zod validation failure at the store boundary into the coded INVALID_INPUT error both backends report.
import { z } from 'zod';
import { AppError } from '../core/errors.js';

export function invalid(err: unknown): never {
  if (err instanceof z.ZodError) {
    const detail = err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('INVALID_INPUT', { detail }, { cause: err });
  }
  throw err;
}
