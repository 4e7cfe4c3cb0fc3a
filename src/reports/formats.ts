// The report formats a link or the CLI can ask for; kept apart so routes check a format without loading the exporters.
import { z } from 'zod';

export const EXPORT_FORMATS = ['html', 'csv', 'md', 'json'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;
