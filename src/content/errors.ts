// The content layer's own error: a pack or key factor asked for that is not installed. It imports nothing above
// content; the core turns it into its coded AppError (toAppError), which says it to the person in their language.
export type PackLookupCode = 'UNKNOWN_PACK' | 'UNKNOWN_FACTOR';

export class PackLookupError extends Error {
  constructor(
    readonly code: PackLookupCode,
    /** The message parameters, named as the locale files name them ({pack}, {factor}). */
    readonly params: Readonly<Record<string, string>>,
  ) {
    super(`${code}: ${Object.values(params).join(', ')}`);
    this.name = 'PackLookupError';
  }
}
