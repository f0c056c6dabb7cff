/**
 * The inbox's rules, shared by the Lab sidebar and the app page: whom a waiting prompt is
 * handed to, why a run is in the person's inbox, and which hand-offs are new.
 */
import { IRun } from './api';

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
 * Tells which prompts handed to the person are new since the last look: nothing at the first
 * look (what already waited when Lab opened), then each handed-to-them prompt once.
 */
export class InboxNews {
  /** The runs of this look whose handed-over prompt was not in the inbox at the last one. */
  arrivals(runs: IRun[]): IRun[] {
    const keys = new Map(runs.filter(r => assigneesOf(r).length).map(r => [promptKey(r), r]));
    const fresh = this._seen === null ? [] : [...keys].filter(([k]) => !this._seen!.has(k)).map(([, r]) => r);
    this._seen = new Set(keys.keys());
    return fresh;
  }

  private _seen: Set<string> | null = null;
}

function promptKey(run: IRun): string {
  return `${run.id}/${String(run.prompt?.id ?? '')}`;
}
