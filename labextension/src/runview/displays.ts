/**
 * Displays: transcript entries and display components inside a prompt (`display.*` kinds).
 *
 * HTML from the kernel (`display.markdown`, `display.html`) was rendered and sanitised there;
 * everything else is set as text.
 */
import { h } from '../common/dom';
import { json, text } from '../common/text';
import { FieldContext } from './context';
import { displayLabel, externalLink, themeOf } from './controls';
import {
  CodeProps,
  HeadingProps,
  HtmlProps,
  LinkProps,
  MediaProps,
  MetadataItem,
  MetadataProps,
  ObjectProps,
  WidgetProps,
  propsOf
} from './props';
import { ComponentSpec } from '../common/protocol';
import { dataGrid } from './tables/grid';
import { dataTable } from './tables/table';
import { tree } from './tree';
import { embeddedWidget } from './widgets';

const IMAGE_SIZES: Record<string, string> = { thumbnail: '80px', small: '240px', medium: '480px', large: '100%' };

/** Draws one display kind. */
type Display = (comp: ComponentSpec, ctx: FieldContext | null) => HTMLElement;

function metadataValue(item: MetadataItem): Node | string {
  const v = item.value;
  const shown = v === null || v === undefined ? '—' : typeof v === 'object' ? json(v, 0) : String(v);
  return item.url ? externalLink(item.url, shown, 'inb-rv-link') : shown;
}

/** Links inside kernel HTML open in a new tab. */
function htmlBox(cls: string, html: unknown): HTMLDivElement {
  const div = h('div', { class: cls });
  div.innerHTML = text(html); // rendered (markdown) and sanitised in the kernel
  for (const a of div.querySelectorAll('a[href]')) {
    (a as HTMLAnchorElement).target = '_blank';
    (a as HTMLAnchorElement).rel = 'noopener noreferrer';
  }
  return div;
}

function heading(comp: ComponentSpec): HTMLElement {
  const p = propsOf<HeadingProps>(comp);
  const level = p.level === 3 || p.level === 4 ? p.level : 2;
  const menu = (p.menu_items || []).map(m =>
    externalLink(m.url, m.label, 'inb-rv-btn inb-rv-btn-secondary inb-rv-btn-small')
  );
  return h(
    'div',
    { class: 'inb-rv-heading' },
    h(
      'div',
      { class: 'inb-rv-heading-row' },
      h(`h${level}` as 'h2', { class: 'inb-rv-h', text: comp.label }),
      menu.length ? h('nav', { class: 'inb-rv-menu' }, menu) : null
    ),
    p.description ? h('p', { class: 'inb-rv-heading-desc', text: p.description }) : null
  );
}

function code(comp: ComponentSpec): HTMLElement {
  const p = propsOf<CodeProps>(comp);
  const label = comp.label;
  return h(
    'figure',
    { class: 'inb-rv-codeblock' },
    h(
      'figcaption',
      {},
      label ? h('span', { text: label }) : null,
      p.language ? h('span', { class: 'inb-rv-code-lang', text: p.language }) : null
    ),
    h('pre', { class: 'inb-rv-pre' }, h('code', { text: text(p.code) }))
  );
}

function metadata(comp: ComponentSpec): HTMLElement {
  const p = propsOf<MetadataProps>(comp);
  const layout = p.layout === 'list' || p.layout === 'card' ? p.layout : 'grid';
  const items = (p.data || []).map(item =>
    h('div', { class: 'inb-rv-meta-item' }, h('dt', { text: text(item.label) }), h('dd', {}, metadataValue(item)))
  );
  return h('div', { class: 'inb-rv-metadata' }, displayLabel(comp.label), h('dl', { class: `inb-rv-meta inb-rv-meta-${layout}` }, items));
}

function mediaSize(p: Partial<MediaProps>): string {
  return (p.size && IMAGE_SIZES[p.size]) || '100%';
}

function image(comp: ComponentSpec): HTMLElement {
  const p = propsOf<MediaProps>(comp);
  const label = comp.label;
  const img = h('img', { src: p.url, alt: text(p.alt ?? label), class: 'inb-rv-img', loading: 'lazy' });
  img.style.maxWidth = mediaSize(p);
  for (const dim of ['width', 'height'] as const) {
    const v = p[dim];
    if (v !== undefined && v !== null) {
      img.style[dim] = typeof v === 'number' ? `${v}px` : v;
    }
  }
  return h('figure', { class: 'inb-rv-image' }, img, label ? h('figcaption', { text: label }) : null);
}

function video(comp: ComponentSpec): HTMLElement {
  const p = propsOf<MediaProps>(comp);
  const label = comp.label;
  const v = h('video', {
    src: p.url,
    class: 'inb-rv-video',
    controls: true,
    loop: !!p.loop,
    muted: !!p.muted,
    playsinline: true,
    preload: 'metadata',
    'aria-label': label || 'Video'
  });
  v.muted = !!p.muted; // the attribute only sets the default
  v.style.maxWidth = mediaSize(p);
  return h('figure', { class: 'inb-rv-image' }, v, label ? h('figcaption', { text: label }) : null);
}

const DISPLAYS: Record<string, Display> = {
  'display.heading': heading,
  'display.markdown': comp => htmlBox('inb-rv-markdown', propsOf<HtmlProps>(comp).html),
  'display.code': code,
  'display.link': comp => {
    const p = propsOf<LinkProps>(comp);
    return h('div', {}, externalLink(p.url, comp.label, `inb-rv-btn inb-rv-btn-${themeOf(p.theme)}`));
  },
  'display.object': comp =>
    h('div', { class: 'inb-rv-object' }, displayLabel(comp.label), h('div', { class: 'inb-rv-tree' }, tree(propsOf<ObjectProps>(comp).data))),
  'display.metadata': metadata,
  'display.image': image,
  'display.video': video,
  'display.html': comp =>
    h('div', {}, displayLabel(comp.label), htmlBox('inb-rv-html', propsOf<HtmlProps>(comp).html)),
  'display.table': (comp, ctx) =>
    h('div', { class: 'inb-rv-dtable-display' }, displayLabel(comp.label), dataTable(comp, ctx).box),
  'display.grid': (comp, ctx) => h('div', { class: 'inb-rv-grid-display' }, displayLabel(comp.label), dataGrid(comp, ctx)),
  'display.widget': (comp, ctx) => embeddedWidget(propsOf<WidgetProps>(comp), comp.label, ctx)
};

/** Draw a display component (`ctx`: see `FieldContext`; in the transcript the entry id stands
 *  for the prompt id). */
export function renderDisplay(comp: ComponentSpec, ctx: FieldContext | null): HTMLElement {
  const draw = Object.prototype.hasOwnProperty.call(DISPLAYS, comp.kind) ? DISPLAYS[comp.kind] : undefined;
  if (draw) {
    return draw(comp, ctx);
  }
  // A kind this page does not know yet: show what we can rather than nothing.
  return h(
    'div',
    { class: 'inb-rv-unknown' },
    displayLabel(comp.label || comp.kind),
    h('pre', { class: 'inb-rv-pre', text: json(comp.props) })
  );
}
