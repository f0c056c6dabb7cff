/**
 * `display.widget`: an ipywidget shown inside a run (notebooks and Voilà; anywidget 0.11 hands
 * `render()` a model proxy whose `widget_manager` is the ipywidgets manager). Where there is no
 * manager (JupyterLab run tabs) the view says the widget cannot be shown here.
 */
import { h } from '../common/dom';
import { FieldContext } from './context';
import { displayLabel } from './controls';
import { WidgetProps } from './props';

interface LuminoWidget {
  processMessage(msg: { type: string; isConflatable: boolean }): void;
}

/** What this module uses of an ipywidgets view. */
interface WidgetView {
  el: HTMLElement;
  remove(): void;
  trigger?(event: string): void;
  luminoWidget?: LuminoWidget;
  pWidget?: LuminoWidget;
}

/** What this module uses of the ipywidgets manager. */
interface WidgetManager {
  get_model(id: string): Promise<unknown>;
  create_view(model: unknown, options: object): Promise<WidgetView>;
}

function asManager(wm: unknown): WidgetManager | null {
  if (!wm || typeof wm !== 'object') {
    return null;
  }
  const m = wm as Partial<WidgetManager>;
  return typeof m.get_model === 'function' && typeof m.create_view === 'function' ? (m as WidgetManager) : null;
}

/** Lumino lifecycle messages, as `Widget.attach` would send them (a plain object is a message). */
function luminoMessage(view: WidgetView, type: string): boolean {
  const lw = view.luminoWidget || view.pWidget;
  if (!lw || typeof lw.processMessage !== 'function') {
    return false;
  }
  try {
    lw.processMessage({ type, isConflatable: false });
  } catch {
    /* a view with odd internals */
  }
  return true;
}

function errorMessage(err: unknown): string {
  return err && (err as Error).message ? (err as Error).message : '';
}

/** Shows one widget view in `host`; `dispose()` takes it away again. */
class WidgetSlot {
  private view: WidgetView | null = null;
  private gone = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly fallback: (why: string) => void
  ) {}

  async show(wm: WidgetManager, modelId: string): Promise<void> {
    try {
      const m = await wm.get_model(modelId);
      if (this.gone) {
        return;
      }
      if (!m) {
        throw new Error('widget not found');
      }
      const v = await wm.create_view(m, {});
      if (this.gone) {
        v.remove();
        return;
      }
      this.view = v;
      luminoMessage(v, 'before-attach');
      this.host.replaceChildren(v.el);
      // Lumino views hear "after-attach" (ipywidgets then triggers "displayed"); others directly.
      if (!luminoMessage(v, 'after-attach') && typeof v.trigger === 'function') {
        v.trigger('displayed');
      }
    } catch (err) {
      if (!this.gone) {
        this.fallback(errorMessage(err));
      }
    }
  }

  readonly dispose = (): void => {
    this.gone = true;
    const view = this.view;
    if (!view) {
      return;
    }
    luminoMessage(view, 'before-detach');
    view.el.remove();
    luminoMessage(view, 'after-detach'); // clears Lumino's attached flag, so dispose() cannot throw
    try {
      view.remove();
    } catch {
      /* already disposed */
    }
    this.view = null;
  };
}

/** The widget `p.model_id`, under its label. */
export function embeddedWidget(p: Partial<WidgetProps>, label: unknown, ctx: FieldContext | null): HTMLDivElement {
  const host = h('div', { class: 'inb-rv-widget-host' });
  const box = h('div', { class: 'inb-rv-widget' }, displayLabel(label), host);
  const fallback = (why: string): void =>
    host.replaceChildren(
      h(
        'div',
        { class: 'inb-rv-widget-fallback' },
        'This widget cannot be shown here',
        why ? h('span', { class: 'inb-rv-hint', text: ` (${why})` }) : null,
        '.'
      )
    );
  const wm = asManager(ctx && ctx.model && ctx.model.widget_manager);
  if (!p.model_id || !wm) {
    fallback(p.model_id ? '' : 'no widget given');
    return box;
  }
  host.append(h('div', { class: 'inb-rv-hint', text: 'Loading widget…' }));
  const slot = new WidgetSlot(host, fallback);
  void slot.show(wm, p.model_id);
  if (ctx && ctx.onDispose) {
    ctx.onDispose(slot.dispose);
  }
  return box;
}
