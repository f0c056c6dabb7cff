/**
 * The transcript: what the run showed that stays visible (displays, summaries of answers).
 *
 * Tables and grids in it keep paging with the entry's `id` as their prompt id; the kernel's
 * replies reach them through `route()`. Entries only get appended: while the entries on screen
 * are a prefix of the new list, only the new ones are drawn.
 */
import { h } from '../common/dom';
import { json } from '../common/text';
import { FieldContext, runCleanups } from './context';
import { renderDisplay } from './displays';
import { DataRequest, Reply, ReplyHandler, RunModel } from './messages';
import { ComponentSpec, TranscriptEntry } from '../common/protocol';

/** One drawn entry: its element, its components' reply handlers and clean-ups. */
interface EntryView {
  box: HTMLDivElement;
  listeners: ReplyHandler[];
  cleanups: (() => void)[];
}

/** A summary of an earlier answer: "label: value". */
function answerLine(comp: ComponentSpec): HTMLDivElement {
  const value = typeof comp.value === 'string' ? comp.value : json(comp.value, 0);
  return h(
    'div',
    { class: 'inb-rv-answer' },
    h('span', { class: 'inb-rv-answer-label', text: `${comp.label}: ` }),
    h('span', { text: value })
  );
}

function renderEntry(entry: TranscriptEntry, model: RunModel, query: (msg: DataRequest) => void): EntryView {
  const kind = entry.kind === 'answer' ? 'answer' : 'display';
  const view: EntryView = { box: h('div', { class: `inb-rv-entry inb-rv-entry-${kind}` }), listeners: [], cleanups: [] };
  const live = typeof entry.id === 'string' && entry.id !== '';
  (entry.components || []).forEach((comp, index) => {
    const ctx: FieldContext = {
      model,
      promptId: live ? entry.id : null,
      index,
      send: live ? query : null,
      listen: fn => {
        view.listeners[index] = fn;
      },
      onDispose: fn => {
        view.cleanups.push(fn);
      },
      keep: () => ({})
    };
    view.box.append(entry.kind === 'answer' ? answerLine(comp) : renderDisplay(comp, ctx));
  });
  return view;
}

/** The transcript of one view. */
export class TranscriptView {
  readonly box = h('div', { class: 'inb-rv-transcript' });
  private shown: string[] = []; // JSON of each entry on screen
  private views: EntryView[] = [];
  private readonly routes = new Map<string, ReplyHandler[]>(); // entry id → reply handlers

  constructor(private readonly model: RunModel) {}

  /** Draw `entries` (appending when the ones on screen are still their start). */
  draw(entries: TranscriptEntry[]): void {
    const strs = entries.map(e => JSON.stringify(e));
    const prefixKept = this.shown.length <= strs.length && this.shown.every((s, i) => s === strs[i]);
    if (!prefixKept) {
      this.dispose();
      this.box.replaceChildren();
      this.shown = [];
      this.views = [];
      this.routes.clear();
    }
    for (let i = this.shown.length; i < entries.length; i++) {
      const view = renderEntry(entries[i], this.model, msg => this.model.send(msg));
      if (typeof entries[i].id === 'string') {
        this.routes.set(entries[i].id, view.listeners);
      }
      this.views.push(view);
      this.box.append(view.box);
    }
    this.shown = strs;
    this.box.hidden = !entries.length;
  }

  /** Hand a kernel reply to the table or grid it is for (its entry id is the prompt id). */
  route(msg: Reply): void {
    const listeners = this.routes.get(msg.prompt_id as string);
    const fn = listeners && listeners[msg.component as number];
    if (fn) {
      fn(msg);
    }
  }

  /** Run every entry's clean-ups (embedded widget views, timers). */
  dispose(): void {
    for (const view of this.views) {
      runCleanups(view.cleanups);
    }
  }
}
