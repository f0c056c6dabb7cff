/**
 * The selection of a `select.table`: a set of row keys kept across pages, or "all matching"
 * a search with an `except` list.
 */
import { fmtInt, isPlainObject, text } from '../../common/text';

/** Every row matching `search`, except some; `total`: how many match (null: not known yet). */
export interface AllMatching {
  search: string;
  except: Set<unknown>;
  total: number | null;
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** "choose 2–5", "choose at least 1", … (empty without bounds). */
function boundsText(lo: number | null, hi: number | null): string {
  if (lo !== null && hi !== null) {
    return lo === hi ? `choose ${lo}` : `choose ${lo}–${hi}`;
  }
  if (lo !== null && lo > 0) {
    return `choose at least ${lo}`;
  }
  return hi !== null ? `choose at most ${hi}` : '';
}

/** The chosen rows of one table. Bounds are comfort only: the kernel judges them. */
export class TableSelection {
  sel = new Set<unknown>();
  all: AllMatching | null = null;
  /** A one-off explanation shown instead of the count. */
  note = '';
  readonly hi: number | null;
  private readonly bounds: string;

  constructor(minSelections: unknown, maxSelections: unknown) {
    this.hi = finite(maxSelections);
    this.bounds = boundsText(finite(minSelections), this.hi);
  }

  /** Start from a value the kernel gave (`[keys]` or `{all_matching, except}`); false: not one. */
  load(chosen: unknown): boolean {
    if (isPlainObject(chosen) && 'all_matching' in chosen) {
      const except = Array.isArray(chosen.except) ? chosen.except : [];
      this.all = { search: text(chosen.all_matching), except: new Set(except), total: null };
      return true;
    }
    if (Array.isArray(chosen)) {
      this.all = null;
      this.sel = new Set(chosen);
      return true;
    }
    return false;
  }

  has(key: unknown): boolean {
    return this.all ? !this.all.except.has(key) : this.sel.has(key);
  }

  set(key: unknown, on: boolean): void {
    this.note = '';
    if (this.all) {
      if (on) {
        this.all.except.delete(key);
      } else {
        this.all.except.add(key);
      }
    } else if (on) {
      this.sel.add(key);
    } else {
      this.sel.delete(key);
    }
  }

  /** Nothing chosen (after Clear, or when the search an "all matching" meant changed). */
  clear(note = ''): void {
    this.all = null;
    this.sel = new Set();
    this.note = note;
  }

  /** Picking `count` more rows would pass the maximum. */
  wouldOverflow(count: number): boolean {
    return !this.all && this.hi !== null && this.sel.size + count > this.hi;
  }

  /** No more rows may be ticked one by one. */
  atMax(): boolean {
    return !this.all && this.hi !== null && this.sel.size >= this.hi;
  }

  /** What the answer sends. */
  read(): unknown {
    return this.all ? { all_matching: this.all.search, except: [...this.all.except] } : [...this.sel];
  }

  /** The count line: "3 selected · choose 1–5", "All 1,204 matching selected", … */
  summary(shownSearch: string): string {
    const all = this.all;
    const matching = (all ? all.search : shownSearch) ? 'matching' : 'rows';
    if (!all) {
      return `${fmtInt(this.sel.size)} selected${this.bounds ? ` · ${this.bounds}` : ''}`;
    }
    const t = all.total;
    if (t === null) {
      return `All ${matching} selected${all.except.size ? ` except ${fmtInt(all.except.size)}` : ''}`;
    }
    if (all.except.size) {
      return `${fmtInt(Math.max(0, t - all.except.size))} of ${fmtInt(t)} ${matching} selected`;
    }
    return `All ${fmtInt(t)} ${matching} selected`;
  }
}
