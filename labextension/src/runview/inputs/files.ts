/**
 * `input.file`: a drop zone and a file picker. Extension and size are checked here for comfort
 * (the kernel checks again); the files travel as the answer's binary buffers.
 */
import { h } from '../../common/dom';
import { isPlainObject, text } from '../../common/text';
import { showAlert, smallButton } from '../controls';
import { FileProps, propsOf } from '../props';
import { ComponentSpec } from '../../common/protocol';
import { BuiltInput } from './types';

/** A size as the kernel writes it in its own messages (io/files.py `_human`: 1 KB = 1000 bytes). */
export function formatBytes(n: number): string {
  if (!(n >= 0)) {
    return '';
  }
  if (n < 1000) {
    return `${n} byte${n === 1 ? '' : 's'}`;
  }
  let v = n / 1000;
  for (const unit of ['KB', 'MB']) {
    if (v < 1000) {
      return `${v.toFixed(1)} ${unit}`;
    }
    v /= 1000;
  }
  return `${v.toFixed(1)} GB`;
}

/** The accepted extensions as ".csv" (null: any). */
function extensions(allowed: unknown): string[] | null {
  if (!Array.isArray(allowed) || !allowed.length) {
    return null;
  }
  return allowed.map(e => {
    const s = text(e).trim().toLowerCase();
    return s.startsWith('.') ? s : `.${s}`;
  });
}

interface FileRules {
  multiple: boolean;
  exts: string[] | null;
  maxSize: number | null;
}

/** Why `f` cannot be taken, or null. */
function refusal(f: File, { exts, maxSize }: FileRules): string | null {
  if (exts && !exts.some(e => f.name.toLowerCase().endsWith(e))) {
    return `${f.name}: only ${exts.join(', ')} files are accepted`;
  }
  if (maxSize !== null && f.size > maxSize) {
    return `${f.name} is ${formatBytes(f.size)}; the limit is ${formatBytes(maxSize)}`;
  }
  return null;
}

function sameFile(a: File, b: File): boolean {
  return a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
}

/** "Previously chosen: a.csv (1.2 KB) — choose again" for the files of a refused answer. */
function previousNote(value: unknown): HTMLDivElement | null {
  const previous = Array.isArray(value) ? value.filter(isPlainObject) : [];
  if (!previous.length) {
    return null;
  }
  const names = previous.map(f => `${text(f.name)}${f.size !== undefined ? ` (${formatBytes(f.size as number)})` : ''}`);
  return h('div', { class: 'inb-rv-file-previous' }, `Previously chosen: ${names.join(', ')} — choose again`);
}

interface FileParts {
  picker: HTMLInputElement;
  choose: HTMLButtonElement;
  zone: HTMLDivElement;
}

function dropZone({ multiple, exts, maxSize }: FileRules): FileParts {
  const picker = h('input', {
    type: 'file',
    class: 'inb-rv-file-native',
    multiple,
    accept: exts ? exts.join(',') : null,
    tabindex: '-1',
    'aria-hidden': 'true',
    data: { role: 'file-input' }
  });
  const choose = smallButton(multiple ? 'Choose files' : 'Choose file', { data: { role: 'choose-file' } });
  const limits = [exts ? exts.join(', ') : null, maxSize ? `up to ${formatBytes(maxSize)}${multiple ? ' each' : ''}` : null];
  const shownLimits = limits.filter(Boolean);
  const zone = h(
    'div',
    { class: 'inb-rv-drop' },
    h(
      'div',
      { class: 'inb-rv-drop-row' },
      h('span', { class: 'inb-rv-drop-icon', 'aria-hidden': 'true', text: '⇪' }),
      h('span', { text: multiple ? 'Drop files here or' : 'Drop a file here or' }),
      choose
    ),
    shownLimits.length ? h('div', { class: 'inb-rv-hint', text: shownLimits.join(' · ') }) : null,
    picker
  );
  return { picker, choose, zone };
}

/** The chosen files and their list. */
class ChosenFiles {
  files: File[] = [];
  readonly problems = h('div', { class: 'inb-rv-inline-error inb-rv-file-problems', hidden: true });
  readonly listEl = h('ul', { class: 'inb-rv-files', 'aria-label': 'Chosen files' });

  constructor(
    private readonly rules: FileRules,
    private readonly choose: HTMLButtonElement,
    private readonly previous: HTMLDivElement | null
  ) {}

  add(incoming: File[]): void {
    const msgs: string[] = [];
    let ok: File[] = [];
    for (const f of incoming) {
      const why = refusal(f, this.rules);
      if (why) {
        msgs.push(why);
      } else {
        ok.push(f);
      }
    }
    if (!this.rules.multiple && ok.length > 1) {
      msgs.push(`Only one file can be chosen: kept ${ok[0].name}`);
      ok = ok.slice(0, 1);
    }
    if (this.rules.multiple) {
      this.files = this.files.concat(ok.filter(f => !this.files.some(g => sameFile(f, g))));
    } else if (ok.length) {
      this.files = ok;
    }
    showAlert(this.problems, msgs.join('\n'));
    this.draw();
  }

  draw(): void {
    if (this.previous) {
      this.previous.hidden = this.files.length > 0;
    }
    this.listEl.replaceChildren(...this.files.map(f => this.item(f)));
    this.listEl.hidden = !this.files.length;
  }

  private item(f: File): HTMLLIElement {
    const x = h('button', { type: 'button', class: 'inb-rv-chip-x', 'aria-label': `Remove ${f.name}`, text: '×' });
    x.addEventListener('click', () => {
      this.files = this.files.filter(g => g !== f);
      this.choose.focus({ preventScroll: true });
      this.draw();
    });
    return h(
      'li',
      { class: 'inb-rv-file-item' },
      h('span', { class: 'inb-rv-file-name', text: f.name }),
      h('span', { class: 'inb-rv-file-size', text: formatBytes(f.size) }),
      x
    );
  }
}

function wireDrop({ picker, choose, zone }: FileParts, chosen: ChosenFiles): void {
  choose.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    chosen.add([...(picker.files || [])]);
    picker.value = '';
  });
  let depth = 0; // dragenter/leave fire for every child: count them
  zone.addEventListener('dragenter', ev => {
    ev.preventDefault();
    depth += 1;
    zone.classList.add('inb-rv-drop-over');
  });
  zone.addEventListener('dragover', ev => {
    ev.preventDefault();
    if (ev.dataTransfer) {
      ev.dataTransfer.dropEffect = 'copy';
    }
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) {
      zone.classList.remove('inb-rv-drop-over');
    }
  });
  zone.addEventListener('drop', ev => {
    ev.preventDefault();
    depth = 0;
    zone.classList.remove('inb-rv-drop-over');
    if (ev.dataTransfer && ev.dataTransfer.files) {
      chosen.add([...ev.dataTransfer.files]);
    }
  });
}

/** Read every file; their ArrayBuffers go into the message's `buffers` (indexes are global). */
async function collect(files: File[], buffers: ArrayBuffer[]): Promise<unknown> {
  const out = [];
  for (const f of files) {
    let buf: ArrayBuffer;
    try {
      buf = await f.arrayBuffer();
    } catch (err) {
      throw new Error(`Could not read ${f.name}: ${err && (err as Error).message ? (err as Error).message : err}`);
    }
    out.push({ name: f.name, type: f.type, size: f.size, buffer: buffers.push(buf) - 1 });
  }
  return out;
}

/** `input.file`. */
export function fileInput(comp: ComponentSpec, id: string): BuiltInput {
  const p = propsOf<FileProps>(comp);
  const rules: FileRules = {
    multiple: !!p.multiple,
    exts: extensions(p.allowed_extensions),
    maxSize: Number(p.max_size) > 0 ? Number(p.max_size) : null
  };
  const parts = dropZone(rules);
  const previous = previousNote(comp.value);
  const chosen = new ChosenFiles(rules, parts.choose, previous);
  const box = h(
    'div',
    { class: 'inb-rv-control inb-rv-file', role: 'group', id },
    parts.zone,
    previous,
    chosen.problems,
    chosen.listEl
  );
  wireDrop(parts, chosen);
  chosen.draw();
  return {
    control: box,
    focus: parts.choose,
    group: true,
    read: () => chosen.files.map(f => ({ name: f.name, type: f.type, size: f.size })),
    collect: buffers => collect(chosen.files, buffers)
  };
}
