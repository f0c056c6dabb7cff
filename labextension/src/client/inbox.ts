/**
 * The inbox's rules, shared by the Lab sidebar and the app page: whom a waiting prompt is
 * handed to, why a run is in the person's inbox, and which hand-offs are new.
 */
import { INotice, IRun } from './api';

/** Whom a run's waiting prompt is handed to (empty: not handed to anyone). */
export function assigneesOf(run: IRun): string[] {
  const assignees = run.prompt?.assignees;
  return Array.isArray(assignees) ? assignees.map(String) : [];
}

/** Why a run is in the person's inbox, e.g. "for group:managers · started by bob". */
export function inboxReason(run: IRun): string {
  if (run.status === 'queued') {
    const assignee = run.assignee?.length ? run.assignee.join(', ') : 'you';
    return `queued for ${assignee} by ${run.user || 'someone'}`;
  }
  const assignees = assigneesOf(run);
  // In the inbox, a prompt handed to nobody is in a run the person started.
  return assignees.length ? `for ${assignees.join(', ')} · started by ${run.user || 'someone'}` : 'started by you';
}

/**
 * Tells which items are new since the last look: nothing at the first look (what was already
 * there when the page opened), then each item once, by its key.
 */
export class Arrivals<T> {
  constructor(private readonly key: (item: T) => string) {}

  /** The items of this look whose key was not in the last one. */
  arrivals(items: T[]): T[] {
    const keys = new Map(items.map(item => [this.key(item), item]));
    const fresh = this.seen === null ? [] : [...keys].filter(([k]) => !this.seen!.has(k)).map(([, v]) => v);
    this.seen = new Set(keys.keys());
    return fresh;
  }

  private seen: Set<string> | null = null;
}

/** Which prompts handed to the person are new since the last look (each prompt once). */
export class InboxNews {
  /** The runs of this look whose handed-over prompt was not in the inbox at the last one. */
  arrivals(runs: IRun[]): IRun[] {
    return this.news.arrivals(runs.filter(r => assigneesOf(r).length));
  }

  private readonly news = new Arrivals<IRun>(promptKey);
}

/** Which messages (`GET notifications`) are new since the last look. */
export function noticeNews(): Arrivals<INotice> {
  return new Arrivals<INotice>(note => `${note.run_id}/${note.seq}`);
}

/** A message as one line: "Refund user: Refund 42 needs a look". */
export function noticeText(note: INotice): string {
  const what = note.title || note.run_title || note.action || 'A run';
  return `${what}: ${note.message}`;
}

function promptKey(run: IRun): string {
  return `${run.id}/${String(run.prompt?.id ?? '')}`;
}
