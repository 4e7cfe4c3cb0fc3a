// Schemas for what the stores take besides domain models (names, a vote's options), checked at their boundary.
import { z } from 'zod';

/** Member id → display name (Store.rememberNames). */
export const NamesSchema = z.record(z.string(), z.string());

/** VoteInput's optional extras; the level is checked with LevelSchema. */
export const VoteExtrasSchema = z.object({ withFactorView: z.boolean().optional(), name: z.string().optional() });
