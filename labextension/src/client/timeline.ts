/**
 * A run's details as a person reads them: its parameters, then each prompt and answer, logs,
 * notifications and the outcome, in order, from the run's journal (`GET runs/{id}/events`).
 */
import { IRun, IRunEvent } from './api';
import { el, fullTime, show, toDate } from './format';
import { renderResultValue } from '../common/result';

interface IComponentSpec {
  kind?: string;
  label?: string;
}

/** Build the details of a run (replaces nothing; the caller mounts the returned element). */
export function renderDetails(run: IRun, events: IRunEvent[]): HTMLElement {
  const root = el('div', { class: 'inb-details' });
  const params = Object.entries(run.params ?? {});
  if (params.length) {
    const list = el('dl', { class: 'inb-details-params' });
    for (const [key, value] of params) {
      list.append(el('dt', { text: key }), el('dd', { text: show(value) }));
    }
    root.append(el('h3', { text: 'Parameters' }), list);
  }
  root.append(el('h3', { text: 'Timeline' }));
  if (!events.length) {
    root.append(el('p', { class: 'inb-muted', text: 'Nothing was journaled for this run.' }));
    return root;
  }
  const prompts = new Map<string, IComponentSpec[]>();
  const list = el('ol', { class: 'inb-timeline' });
  let lastLog: HTMLPreElement | null = null;
  for (const event of events) {
    // Consecutive log lines read as one block of output.
    if (event.event === 'log' && lastLog) {
      lastLog.textContent += '\n' + String(event.line ?? '');
      continue;
    }
    const item = renderEvent(event, prompts);
    if (item) {
      list.append(item);
    }
    lastLog = event.event === 'log' ? (item?.querySelector('pre') ?? null) : null;
  }
  root.append(list);
  return root;
}

function renderEvent(event: IRunEvent, prompts: Map<string, IComponentSpec[]>): HTMLElement | null {
  const when = toDate(event.time);
  const time = el('time', {
    class: 'inb-timeline-time',
    text: when ? when.toLocaleTimeString() : '',
    title: fullTime(event.time),
    datetime: when ? when.toISOString() : undefined
  });
  const item = (title: string, ...body: (Node | null)[]): HTMLElement => {
    const li = el('li', { class: 'inb-timeline-item' }, time, el('div', { class: 'inb-timeline-body' }, el('div', { class: 'inb-timeline-title', text: title }), ...body));
    li.dataset.event = event.event;
    return li;
  };
  const by = typeof event.by === 'string' && event.by ? ` by ${event.by}` : '';
  switch (event.event) {
    case 'started':
      return item(`Started${typeof event.user === 'string' ? ` by ${event.user}` : ''}`);
    case 'prompt_shown': {
      const prompt = (event.prompt ?? {}) as { id?: string; components?: IComponentSpec[] };
      const components = Array.isArray(prompt.components) ? prompt.components : [];
      if (prompt.id) {
        prompts.set(prompt.id, components);
      }
      const labels = components.map(c => c.label || c.kind || '').filter(Boolean);
      return item('Asked', el('div', { class: 'inb-timeline-text', text: labels.join(' · ') }));
    }
    case 'answered': {
      const components = prompts.get(String(event.prompt_id)) ?? [];
      const values = Array.isArray(event.values) ? event.values : [];
      const list = el('dl', { class: 'inb-timeline-answers' });
      values.forEach((value, i) => {
        if (value === null && components[i]?.kind?.startsWith('display.')) {
          return; // display slots carry no answer
        }
        list.append(el('dt', { text: components[i]?.label || `Field ${i + 1}` }), el('dd', { text: show(value) }));
      });
      if (event.choice !== null && event.choice !== undefined) {
        list.append(el('dt', { text: 'Button' }), el('dd', { text: show(event.choice) }));
      }
      return item(`Answered${by}`, list.childElementCount ? list : null);
    }
    case 'validation_failed': {
      const components = prompts.get(String(event.prompt_id)) ?? [];
      const errors = (Array.isArray(event.errors) ? event.errors : [])
        .map((e, i) => (e ? `${components[i]?.label || `Field ${i + 1}`}: ${e}` : ''))
        .filter(Boolean);
      if (typeof event.error === 'string' && event.error) {
        errors.push(event.error);
      }
      return item(`Answer refused${by}`, el('div', { class: 'inb-timeline-error', text: errors.join('\n') }));
    }
    case 'displayed': {
      const components = Array.isArray(event.components) ? (event.components as IComponentSpec[]) : [];
      return item('Showed', el('div', { class: 'inb-timeline-text', text: components.map(c => c.label || c.kind || '').join(' · ') }));
    }
    case 'log':
      return item('Log', el('pre', { class: 'inb-timeline-log', text: String(event.line ?? '') }));
    case 'notified':
      return item('Notification', el('div', { class: 'inb-timeline-text', text: [event.title, event.message].filter(Boolean).map(show).join(': ') }));
    case 'cancel_requested':
      return item(`Cancel requested${by}`, event.reason ? el('div', { class: 'inb-timeline-text', text: show(event.reason) }) : null);
    case 'completed':
      return item('Completed', event.result === null || event.result === undefined ? null : renderResultValue(event.result));
    case 'failed':
    case 'interrupted': {
      const error = (event.error ?? {}) as { type?: string; message?: string; traceback?: string };
      const body = el('div', { class: 'inb-timeline-error', text: [error.type, error.message].filter(Boolean).join(': ') });
      const trace = error.traceback
        ? el('details', { class: 'inb-timeline-trace' }, el('summary', { text: 'Traceback' }), el('pre', { text: error.traceback }))
        : null;
      return item(event.event === 'failed' ? 'Failed' : 'Interrupted', body, trace);
    }
    case 'cancelled':
      return item('Cancelled', event.reason ? el('div', { class: 'inb-timeline-text', text: show(event.reason) }) : null);
    default: {
      const durable = renderDurableEvent(event, item);
      if (durable) {
        return durable;
      }
      const { seq: _seq, time: _time, event: name, ...rest } = event;
      return item(name.replace(/_/g, ' '), Object.keys(rest).length ? el('pre', { class: 'inb-timeline-log', text: show(rest) }) : null);
    }
  }
}

type ItemMaker = (title: string, ...body: (Node | null)[]) => HTMLElement;

/** Steps, hibernation and the replay that wakes a run, in words; `null` for other events. */
function renderDurableEvent(event: IRunEvent, item: ItemMaker): HTMLElement | null {
  const text = (value: unknown): HTMLElement => el('div', { class: 'inb-timeline-text', text: show(value) });
  const name = typeof event.name === 'string' ? `“${event.name}”` : '';
  switch (event.event) {
    case 'step_started':
      return item(`Step ${name} started`);
    case 'step_completed':
      return item(`Step ${name} done`, event.result === null || event.result === undefined ? null : renderResultValue(event.result));
    case 'step_failed':
      return item(`Step ${name} failed`, event.error ? text((event.error as { message?: string }).message ?? event.error) : null);
    case 'hibernated':
      return item('Left its kernel (saved in the history)', event.reason ? text(event.reason) : null);
    case 'resumed':
      return item('Woken in a kernel');
    case 'replayed': {
      const counts = [
        [event.answers, 'answer'],
        [event.steps, 'step result']
      ]
        .filter(([n]) => typeof n === 'number' && n > 0)
        .map(([n, what]) => `${n} ${what}${n === 1 ? '' : 's'}`);
      return item('Back on its prompt', counts.length ? text(`Replayed ${counts.join(' and ')} from the journal`) : null);
    }
    default:
      return null;
  }
}
