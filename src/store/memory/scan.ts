// Paged reads of the embedded store's votes and answers (Store.scanVotes / scanAnswers), a page at a time.
import { AnswerSchema } from '../../core/model.js';
import type { AnswerEntry, ScanOptions, VoteEntry } from '../../core/ports.js';
import { parseMemberField } from '../keys.js';
import type { RoundState } from './state.js';

const DEFAULT_COUNT = 1000;

function* pagesOf<T>(entries: Iterable<T>, count: number): Generator<T[]> {
  let page: T[] = [];
  for (const entry of entries) {
    page.push(entry);
    if (page.length >= count) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** Whether an entry is in what `opts` asks for (one factor's, or all). */
const wanted = (entry: { factorId: string }, opts?: ScanOptions): boolean => opts?.factorId === undefined || entry.factorId === opts.factorId;

const pageSize = (opts?: ScanOptions): number => Math.max(1, Math.floor(opts?.count ?? DEFAULT_COUNT));

export async function* scanVotesOf(s: RoundState | undefined, opts?: ScanOptions): AsyncGenerator<VoteEntry[]> {
  if (!s) return;
  const entries = [...s.votes].flatMap(([field, vote]) => {
    const parsed = parseMemberField(field);
    return parsed && wanted(parsed, opts) ? [{ ...parsed, level: vote.level }] : [];
  });
  for (const page of pagesOf(entries, pageSize(opts))) yield page;
}

export async function* scanAnswersOf(s: RoundState | undefined, opts?: ScanOptions): AsyncGenerator<AnswerEntry[]> {
  if (!s) return;
  const fields = [...s.answers].flatMap(([field, json]) => {
    const parsed = parseMemberField(field);
    return parsed && wanted(parsed, opts) ? [{ parsed, json }] : [];
  });
  for (const page of pagesOf(fields, pageSize(opts))) {
    yield page.map(({ parsed, json }) => ({ ...parsed, answer: AnswerSchema.parse(JSON.parse(json)) }));
  }
}
