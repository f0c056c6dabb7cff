/**
 * `input.rich_text`: a contenteditable editor with a small toolbar. The HTML it shows comes
 * from the kernel (sanitised there); the kernel sanitises the HTML it gets back.
 */
import { h } from '../../common/dom';
import { text } from '../../common/text';
import { FieldContext } from '../context';
import { button, smallButton } from '../controls';
import { RichTextProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';
import { BuiltInput } from './types';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => HTML_ESCAPES[c]);
}

function tool(cmd: string, label: string, body: Node | string, pressable: boolean): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: 'inb-rv-tool',
      title: label,
      'aria-label': label,
      data: { cmd },
      'aria-pressed': pressable ? 'false' : null
    },
    body
  );
  b.addEventListener('mousedown', ev => ev.preventDefault()); // keep the selection in the editor
  return b;
}

function tools(): HTMLButtonElement[] {
  return [
    tool('bold', 'Bold', h('b', { text: 'B' }), true),
    tool('italic', 'Italic', h('i', { text: 'I' }), true),
    tool('insertUnorderedList', 'Bulleted list', '• List', true),
    tool('insertOrderedList', 'Numbered list', '1. List', true),
    tool('link', 'Link', 'Link', false),
    tool('clear', 'Clear formatting', 'Clear', false)
  ];
}

/** The link address row (no window.prompt: it blocks the page and looks foreign in Lab). */
function linkRow(): { row: HTMLDivElement; url: HTMLInputElement; add: HTMLButtonElement; cancel: HTMLButtonElement } {
  const url = h('input', {
    type: 'url',
    class: 'inb-rv-input inb-rv-rte-url',
    placeholder: 'https://',
    'aria-label': 'Link address',
    autocomplete: 'off',
    spellcheck: 'false'
  });
  const add = button('Add link', 'primary', { class: 'inb-rv-btn inb-rv-btn-primary inb-rv-btn-small' });
  const cancel = smallButton('Cancel');
  const row = h('div', { class: 'inb-rv-rte-linkrow', hidden: true }, url, add, cancel);
  return { row, url, add, cancel };
}

/** The editor, its toolbar and link row, and the selection they share. */
class RichTextEditor {
  readonly editor: HTMLDivElement;
  readonly tools = tools();
  readonly toolbar: HTMLDivElement;
  readonly link = linkRow();
  private saved: Range | null = null;
  private separator: string | null = null;

  constructor(comp: ComponentSpec, id: string) {
    const p = propsOf<RichTextProps>(comp);
    this.editor = h('div', {
      id,
      class: 'inb-rv-input inb-rv-rte',
      contenteditable: 'true',
      role: 'textbox',
      'aria-multiline': 'true',
      'data-placeholder': text(p.placeholder)
    });
    this.editor.innerHTML = text(comp.value ?? p.default_value); // sanitised HTML from the kernel
    this.toolbar = h(
      'div',
      { class: 'inb-rv-rte-toolbar', role: 'toolbar', 'aria-label': 'Formatting', 'aria-controls': id },
      this.tools
    );
  }

  saveRange(): void {
    const s = document.getSelection();
    if (s && s.rangeCount && this.editor.contains(s.anchorNode)) {
      this.saved = s.getRangeAt(0).cloneRange();
    }
  }

  restoreRange(): void {
    this.editor.focus({ preventScroll: true });
    const s = document.getSelection();
    if (s && this.saved && this.editor.contains(this.saved.startContainer)) {
      s.removeAllRanges();
      s.addRange(this.saved);
    }
  }

  readonly tidy = (): void => {
    if (['<br>', '<div><br></div>', '<p><br></p>'].includes(this.editor.innerHTML)) {
      this.editor.innerHTML = '';
    }
  };

  exec(cmd: string, arg?: string): void {
    this.restoreRange();
    document.execCommand(cmd, false, arg);
    this.saveRange();
    this.tidy();
    this.syncState();
  }

  openLink(): void {
    this.saveRange();
    const s = document.getSelection();
    const anchor = s && s.anchorNode;
    const node = anchor ? (anchor.nodeType === 1 ? (anchor as Element) : anchor.parentElement) : null;
    const a = node && this.editor.contains(node) ? node.closest('a') : null;
    this.link.url.value = a ? a.getAttribute('href') || '' : '';
    this.link.row.hidden = false;
    this.link.url.focus();
  }

  closeLink(): void {
    this.restoreRange(); // focus back to the editor before the row (and the focused field) hides
    this.link.row.hidden = true;
  }

  applyLink(): void {
    let href = this.link.url.value.trim();
    if (!href) {
      this.closeLink();
      return;
    }
    if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      href = `https://${href}`;
    }
    this.closeLink();
    if (this.saved && !this.saved.collapsed) {
      this.exec('createLink', href);
    } else {
      this.exec('insertHTML', `<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`);
    }
  }

  readonly syncState = (): void => {
    const s = document.getSelection();
    if (!s || !s.anchorNode || !this.editor.contains(s.anchorNode)) {
      return;
    }
    for (const b of this.tools) {
      if (!b.hasAttribute('aria-pressed')) {
        continue;
      }
      let on = false;
      try {
        on = document.queryCommandState(b.dataset.cmd || '');
      } catch {
        /* unsupported */
      }
      b.setAttribute('aria-pressed', String(on));
    }
  };

  /** Paragraphs as <p> while this editor has focus; the page-wide setting is put back on blur. */
  onFocus(): void {
    try {
      this.separator = document.queryCommandValue('defaultParagraphSeparator') || 'div';
      document.execCommand('defaultParagraphSeparator', false, 'p');
    } catch {
      this.separator = null;
    }
  }

  onBlur(): void {
    if (this.separator) {
      try {
        document.execCommand('defaultParagraphSeparator', false, this.separator);
      } catch {
        /* ignore */
      }
    }
  }

  /** What the answer sends: the HTML, or "" when nothing but whitespace was typed. */
  read(): string {
    const editor = this.editor;
    return (editor.textContent || '').trim() || editor.querySelector('img') ? editor.innerHTML : '';
  }
}

function wireLinkRow(e: RichTextEditor): void {
  const { url, add, cancel } = e.link;
  add.addEventListener('click', () => e.applyLink());
  cancel.addEventListener('click', () => e.closeLink());
  url.addEventListener('keydown', ev => {
    if (ev.isComposing) {
      return;
    }
    if (ev.key === 'Enter') {
      ev.preventDefault();
      e.applyLink();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      e.closeLink();
    }
  });
  for (const b of e.tools) {
    b.addEventListener('click', () => {
      const cmd = b.dataset.cmd || '';
      if (cmd === 'link') {
        e.openLink();
      } else if (cmd === 'clear') {
        e.exec('removeFormat');
        e.exec('unlink');
      } else {
        e.exec(cmd);
      }
    });
  }
}

function wireEditor(e: RichTextEditor, ctx: FieldContext): void {
  const editor = e.editor;
  const onSelection = (): void => {
    if (editor.contains(document.getSelection()?.anchorNode ?? null)) {
      e.saveRange();
      e.syncState();
    }
  };
  document.addEventListener('selectionchange', onSelection);
  ctx.onDispose(() => document.removeEventListener('selectionchange', onSelection));
  editor.addEventListener('input', e.tidy);
  editor.addEventListener('focus', () => e.onFocus());
  editor.addEventListener('blur', () => e.onBlur());
  // Ctrl/Cmd+B/I/U/Z/Y edit here; they must not reach JupyterLab (Ctrl+B would hide the sidebar).
  editor.addEventListener('keydown', ev => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) {
      return;
    }
    const k = ev.key.toLowerCase();
    if (k === 'k') {
      ev.preventDefault();
      ev.stopPropagation();
      e.openLink();
    } else if ('biuzy'.includes(k) && k.length === 1) {
      ev.stopPropagation();
      requestAnimationFrame(e.syncState);
    }
  });
}

/** `input.rich_text`. */
export function richText(comp: ComponentSpec, id: string, ctx: FieldContext): BuiltInput {
  const e = new RichTextEditor(comp, id);
  wireLinkRow(e);
  wireEditor(e, ctx);
  return {
    control: h('div', { class: 'inb-rv-control inb-rv-rte-box' }, e.toolbar, e.link.row, e.editor),
    focus: e.editor,
    labelled: true,
    read: () => e.read()
  };
}
