// RunView: the page side of one action run (interval_nb; docs/architecture.md).
//
// The kernel owns the run and syncs its state as traits (status, prompt, transcript, loading,
// logs, notifications, result, error, cancel_reason); this module only draws that state with
// native controls and sends back `{type: "answer", prompt_id, values, choice}` or
// `{type: "cancel"}`. The kernel parses and validates every answer; checks here are comfort only.
//
// Plain DOM, no imports, no build step. CSS is global in anywidget, so every class is `inb-rv…`.

const TERMINAL = new Set(["completed", "failed", "cancelled", "interrupted"]);
const STATUS_TEXT = {
  pending: "Starting…", running: "Running…", awaiting_input: "Waiting for input",
  completed: "Completed", failed: "Failed", cancelled: "Cancelled", interrupted: "Interrupted",
};
const BUTTON_THEMES = new Set(["primary", "secondary", "danger", "default"]);
const RADIO_LIMIT = 6;            // more options than this: a <select> instead of radio buttons
const LOGS_OPEN_LIMIT = 5;        // the log starts open while it is this short
const LOST_ANSWER_WAIT_MS = 20000;
const IMAGE_SIZES = { thumbnail: "80px", small: "240px", medium: "480px", large: "100%" };
const PAGE_SIZES = [10, 20, 50, 100];   // table/grid page sizes offered (plus the author's own)
const DEBOUNCE_MS = 250;          // typing in a search box → one query

let nextUid = 0;                  // element ids must be unique even when a model is shown twice
let nextRequestId = 0;            // query/search ids: module-wide, so twin views never share one

// ---------------------------------------------------------------------------------------------
// Small helpers

/** h("div", {class, text, data: {...}, on: {...}, ...attributes}, ...children) → element. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "data") Object.assign(node.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else if (["value", "checked", "open", "disabled", "hidden"].includes(key)) node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const text = (v) => (v === null || v === undefined ? "" : String(v));
const json = (v, indent = 2) => (v === undefined ? "null" : JSON.stringify(v, null, indent));
const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const themeOf = (t) => (BUTTON_THEMES.has(t) ? t : "default");
const fmtInt = (n) => (typeof n === "number" && Number.isFinite(n) ? n.toLocaleString() : text(n));

function button(label, theme, attrs = {}) {
  return h("button", { type: "button", class: `inb-rv-btn inb-rv-btn-${themeOf(theme)}`, text: label, ...attrs });
}

/** Links inside widget output must never replace the JupyterLab page. */
function externalLink(url, label, cls) {
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: cls, text: label });
}

// ---------------------------------------------------------------------------------------------
// Displays (transcript entries and display components inside a prompt)

function primitive(v) {
  const type = v === null ? "null" : typeof v;
  return h("span", { class: `inb-rv-tree-${type}`, text: type === "string" ? JSON.stringify(v) : String(v) });
}

/** A collapsible tree; children are only built when a node is first opened (big objects stay cheap). */
function tree(value, key, depth = 0) {
  const keyNode = key === undefined ? null : h("span", { class: "inb-rv-tree-key", text: `${key}: ` });
  if (value === null || typeof value !== "object") return h("div", { class: "inb-rv-tree-leaf" }, keyNode, primitive(value));
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const count = isArray ? `[ ${entries.length} item${entries.length === 1 ? "" : "s"} ]`
    : `{ ${entries.length} key${entries.length === 1 ? "" : "s"} }`;
  if (!entries.length) {
    return h("div", { class: "inb-rv-tree-leaf" }, keyNode, h("span", { class: "inb-rv-tree-meta", text: isArray ? "[]" : "{}" }));
  }
  const children = h("div", { class: "inb-rv-tree-children" });
  const summary = h("summary", {}, keyNode, h("span", { class: "inb-rv-tree-meta", text: count }));
  const node = h("details", { class: "inb-rv-tree-node" }, summary, children);
  const build = () => { if (!children.childElementCount) children.append(...entries.map(([k, v]) => tree(v, k, depth + 1))); };
  node.addEventListener("toggle", () => node.open && build());
  if (depth === 0) { build(); node.open = true; }
  return node;
}

function displayLabel(label) {
  return label ? h("div", { class: "inb-rv-display-label", text: label }) : null;
}

function metadataValue(item) {
  const v = item.value;
  const shown = v === null || v === undefined ? "—" : typeof v === "object" ? json(v, 0) : String(v);
  return item.url ? externalLink(item.url, shown, "inb-rv-link") : shown;
}

const DISPLAYS = {
  "display.heading"(p, label) {
    const level = [2, 3, 4].includes(p.level) ? p.level : 2;
    const menu = (p.menu_items || []).map((m) => externalLink(m.url, m.label, "inb-rv-btn inb-rv-btn-secondary inb-rv-btn-small"));
    return h("div", { class: "inb-rv-heading" },
      h("div", { class: "inb-rv-heading-row" }, h(`h${level}`, { class: "inb-rv-h", text: label }),
        menu.length ? h("nav", { class: "inb-rv-menu" }, menu) : null),
      p.description ? h("p", { class: "inb-rv-heading-desc", text: p.description }) : null);
  },
  "display.markdown"(p) {
    const div = h("div", { class: "inb-rv-markdown" });
    div.innerHTML = text(p.html);   // rendered in the kernel with raw HTML disabled
    for (const a of div.querySelectorAll("a[href]")) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return div;
  },
  "display.code"(p, label) {
    return h("figure", { class: "inb-rv-codeblock" },
      h("figcaption", {}, label ? h("span", { text: label }) : null,
        p.language ? h("span", { class: "inb-rv-code-lang", text: p.language }) : null),
      h("pre", { class: "inb-rv-pre" }, h("code", { text: text(p.code) })));
  },
  "display.link"(p, label) {
    return h("div", {}, externalLink(p.url, label, `inb-rv-btn inb-rv-btn-${themeOf(p.theme)}`));
  },
  "display.object"(p, label) {
    return h("div", { class: "inb-rv-object" }, displayLabel(label), h("div", { class: "inb-rv-tree" }, tree(p.data)));
  },
  "display.metadata"(p, label) {
    const layout = ["grid", "list", "card"].includes(p.layout) ? p.layout : "grid";
    return h("div", { class: "inb-rv-metadata" }, displayLabel(label),
      h("dl", { class: `inb-rv-meta inb-rv-meta-${layout}` }, (p.data || []).map((item) =>
        h("div", { class: "inb-rv-meta-item" }, h("dt", { text: text(item.label) }), h("dd", {}, metadataValue(item))))));
  },
  "display.image"(p, label) {
    const img = h("img", { src: p.url, alt: text(p.alt ?? label), class: "inb-rv-img", loading: "lazy" });
    img.style.maxWidth = IMAGE_SIZES[p.size] || "100%";
    for (const dim of ["width", "height"]) {
      if (p[dim] !== undefined && p[dim] !== null) img.style[dim] = typeof p[dim] === "number" ? `${p[dim]}px` : p[dim];
    }
    return h("figure", { class: "inb-rv-image" }, img, label ? h("figcaption", { text: label }) : null);
  },
  "display.video"(p, label) {
    const video = h("video", { src: p.url, class: "inb-rv-video", controls: true, loop: !!p.loop, muted: !!p.muted,
      playsinline: true, preload: "metadata", "aria-label": label || "Video" });
    video.muted = !!p.muted;   // the attribute only sets the default
    video.style.maxWidth = IMAGE_SIZES[p.size] || "100%";
    return h("figure", { class: "inb-rv-image" }, video, label ? h("figcaption", { text: label }) : null);
  },
  "display.html"(p, label) {
    const div = h("div", { class: "inb-rv-html" });
    div.innerHTML = text(p.html);   // sanitised in the kernel
    for (const a of div.querySelectorAll("a[href]")) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return h("div", {}, displayLabel(label), div);
  },
  "display.table"(p, label, ctx, comp) {
    return h("div", { class: "inb-rv-dtable-display" }, displayLabel(label), dataTable(comp, ctx).box);
  },
  "display.grid"(p, label, ctx, comp) {
    return h("div", { class: "inb-rv-grid-display" }, displayLabel(label), dataGrid(comp, ctx));
  },
  "display.widget"(p, label, ctx) {
    return embeddedWidget(p, label, ctx);
  },
};

/** `ctx`: see `fieldContext` (in the transcript: the entry id stands for the prompt id). */
function renderDisplay(comp, ctx) {
  const draw = DISPLAYS[comp.kind];
  if (draw) return draw(comp.props || {}, comp.label, ctx, comp);
  // A kind this page does not know yet: show what we can rather than nothing.
  return h("div", { class: "inb-rv-unknown" }, displayLabel(comp.label || comp.kind),
    h("pre", { class: "inb-rv-pre", text: json(comp.props) }));
}

/** A transcript entry. Tables and grids in it keep paging with the entry's `id` as their
 *  prompt id (`env.query`); the kernel's replies reach them through `box.inbListeners`, and
 *  clean-ups (embedded widget views) are kept on `box.inbCleanups`. */
function renderTranscriptEntry(entry, env) {
  const box = h("div", { class: `inb-rv-entry inb-rv-entry-${entry.kind === "answer" ? "answer" : "display"}` });
  box.inbCleanups = [];
  box.inbListeners = [];
  const live = typeof entry.id === "string" && entry.id !== "";
  (entry.components || []).forEach((comp, index) => {
    const ctx = {
      model: env.model, promptId: live ? entry.id : null, index, send: live ? env.query : null,
      listen: (fn) => { box.inbListeners[index] = fn; },
      onDispose: (fn) => { box.inbCleanups.push(fn); },
      keep: () => ({}),
    };
    if (entry.kind === "answer") {   // a summary of an earlier answer: "label: value"
      box.append(h("div", { class: "inb-rv-answer" }, h("span", { class: "inb-rv-answer-label", text: `${comp.label}: ` }),
        h("span", { text: typeof comp.value === "string" ? comp.value : json(comp.value, 0) })));
    } else {
      box.append(renderDisplay(comp, ctx));
    }
  });
  return box;
}

// ---------------------------------------------------------------------------------------------
// Data that lives in the kernel: tables, grids and search results.
//
// Paging, sorting and filtering happen in the kernel; the page only ever holds the visible page.
// The page asks with {type: "query" | "search", prompt_id, component, request_id, …} and draws
// the answer only if its request_id is the latest this component sent (older answers and answers
// to a twin view of the same model are dropped).
//
// `ctx` (see `fieldContext`) links a component to its prompt: `promptId`, `index`, `send(msg)`,
// `listen(fn)` for the kernel's replies, `onDispose(fn)`, `keep()` (memory that survives a
// rebuild of the same prompt in this view) and `model`. In the transcript `promptId` is the
// entry's id; an entry without one (an older kernel) gives null: its tables and grids then show
// their first page only.

/** Move focus to the first usable fallback if focus is inside `node` (about to be hidden,
 *  disabled or replaced): on <body>, key presses would reach JupyterLab's shortcuts. */
function rescueFocus(node, ...fallbacks) {
  if (!node || !node.contains(document.activeElement)) return;
  const to = fallbacks.find((f) => f && f.isConnected && !f.disabled && !f.hidden && f.getClientRects().length);
  if (to) to.focus({ preventScroll: true });
}
function setDisabled(el, on, ...fallbacks) {
  if (on && !el.disabled) rescueFocus(el, ...fallbacks);
  el.disabled = on;
}
function setHidden(el, on, ...fallbacks) {
  if (on && !el.hidden) rescueFocus(el, ...fallbacks);
  el.hidden = on;
}

function smallButton(label, attrs = {}) {
  return button(label, "secondary", { class: "inb-rv-btn inb-rv-btn-secondary inb-rv-btn-small", ...attrs });
}

/** A table cell: {text, url?, image?} (text is already formatted by the kernel). */
function cellContent(cell) {
  const c = isPlainObject(cell) ? cell : { text: cell };
  const label = text(c.text);
  const inner = c.image ? h("img", { class: "inb-rv-thumb", src: c.image, alt: label, loading: "lazy" }) : label;
  return c.url ? h("a", { href: c.url, target: "_blank", rel: "noopener noreferrer", class: "inb-rv-link" }, inner) : inner;
}

const HAS_POPOVER = typeof HTMLElement !== "undefined" && "popover" in HTMLElement.prototype;

/** The "⋯" menu of a table row: a list of links. A popover (top layer) when the browser has
 *  them, so the table's scroll box cannot clip it; Escape and a click outside close it. */
function rowMenu(items, name) {
  const btn = h("button", { type: "button", class: "inb-rv-menu-btn", "aria-haspopup": "menu", "aria-expanded": "false",
    "aria-label": `Actions for ${name}`, title: "Actions", data: { role: "row-menu" }, text: "⋯" });
  const links = items.map((m) => h("a", { href: m.url, target: "_blank", rel: "noopener noreferrer", role: "menuitem",
    class: "inb-rv-popmenu-item", text: text(m.label) }));
  const list = h("div", { class: "inb-rv-popmenu", role: "menu", "aria-label": `Actions for ${name}`,
    popover: HAS_POPOVER ? "auto" : null, hidden: !HAS_POPOVER }, links);
  const wrap = h("div", { class: "inb-rv-menu-wrap" }, btn, list);
  const isOpen = () => (HAS_POPOVER ? list.matches(":popover-open") : !list.hidden);
  const hide = () => { if (!isOpen()) return; if (HAS_POPOVER) list.hidePopover(); else { list.hidden = true; opened(false); } };
  const onScroll = (ev) => { if (!list.contains(ev.target)) hide(); };

  function opened(open) {
    btn.setAttribute("aria-expanded", String(open));
    if (open) {
      document.addEventListener("scroll", onScroll, true);   // a fixed menu would float away
      if (HAS_POPOVER) {
        const r = list.getBoundingClientRect();
        if (r.bottom > window.innerHeight - 4) list.style.top = `${Math.max(4, btn.getBoundingClientRect().top - 4 - r.height)}px`;
      }
      if (links[0]) links[0].focus({ preventScroll: true });
    } else {
      document.removeEventListener("scroll", onScroll, true);
      if (list.contains(document.activeElement)) btn.focus({ preventScroll: true });
    }
  }

  if (HAS_POPOVER) {
    btn.popoverTargetElement = list;   // the browser toggles it (and a click on ⋯ while open closes it)
    list.addEventListener("beforetoggle", (ev) => {
      if (ev.newState !== "open") return;
      const r = btn.getBoundingClientRect();
      list.style.top = `${r.bottom + 4}px`;
      list.style.right = `${Math.max(4, document.documentElement.clientWidth - r.right)}px`;
    });
    list.addEventListener("toggle", (ev) => opened(ev.newState === "open"));
  } else {
    btn.addEventListener("click", () => { list.hidden = !list.hidden; opened(!list.hidden); });
  }
  list.addEventListener("click", (ev) => { if (ev.target.closest("a")) hide(); });
  wrap.addEventListener("focusout", (ev) => { if (!wrap.contains(ev.relatedTarget)) hide(); });
  list.addEventListener("keydown", (ev) => {
    const i = links.indexOf(document.activeElement);
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const n = links.length;
      links[(i + (ev.key === "ArrowDown" ? 1 : n - 1)) % n].focus();
    } else if (ev.key === "Escape" && !HAS_POPOVER) {
      ev.preventDefault(); hide();
    }
  });
  return wrap;
}

const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Paging, sorting and searching of rows held by the kernel: the search box, the pager and the
 * query round trip. `opts`: {noun: "rows" | "items", box (dims while loading), draw(fromKernel),
 * changed() (after every state change), home() (where focus goes when its element vanishes)}.
 * Call `start()` once the caller is set up.
 */
function pagedData(comp, ctx, opts) {
  const p = comp.props || {};
  const live = !!(ctx && ctx.promptId && ctx.send);
  const init = isPlainObject(p.initial) ? p.initial : {};
  const rows0 = Array.isArray(init.rows) ? init.rows : [];
  const size0 = Number(p.page_size) > 0 ? Math.floor(Number(p.page_size)) : 20;
  const noun = opts.noun;
  // `shown`: what is on screen. `want`: what was last asked for (several clicks on Next add up).
  const shown = { offset: Number(init.offset) || 0, pageSize: size0, sort: null, search: "", rows: rows0,
    total: typeof init.total === "number" ? init.total : rows0.length };
  let want = { offset: shown.offset, pageSize: size0, sort: null, search: "" };
  let pending = null;        // request_id of the query in flight
  let debounce = null;

  const error = h("div", { class: "inb-rv-inline-error", hidden: true });
  const search = live && p.filterable ? h("input", {
    type: "search", class: "inb-rv-input inb-rv-data-search", placeholder: `Search ${noun}…`, autocomplete: "off",
    spellcheck: "false", "aria-label": `Search ${comp.label || noun}`, data: { role: "table-search" },
  }) : null;
  const info = h("span", { class: "inb-rv-pager-info" });
  const loading = h("span", { class: "inb-rv-pager-loading", text: "Loading…", hidden: true });
  const status = h("div", { class: "inb-rv-pager-status", "aria-live": "polite" }, info, loading);
  let prev = null, next = null, size = null, controls = null, smallest = size0;
  if (live) {
    prev = smallButton("Previous", { data: { page: "prev" } });
    next = smallButton("Next", { data: { page: "next" } });
    const sizes = [...new Set([...PAGE_SIZES, size0])].sort((a, b) => a - b);
    smallest = sizes[0];
    size = h("select", { class: "inb-rv-input inb-rv-select inb-rv-page-size" },
      sizes.map((n) => h("option", { value: String(n), text: String(n) })));
    size.value = String(size0);
    prev.addEventListener("click", () => go(Math.max(0, want.offset - want.pageSize)));
    next.addEventListener("click", () => go(want.offset + want.pageSize));
    size.addEventListener("change", () => {
      const n = Number(size.value);
      request({ pageSize: n, offset: Math.floor(want.offset / n) * n });
    });
  }
  if (live) {
    controls = h("div", { class: "inb-rv-pager-controls" },
      h("label", { class: "inb-rv-page-size-label" }, h("span", { text: "Per page" }), size), prev, next);
  }
  const pager = h("div", { class: "inb-rv-pager" }, status, controls);

  if (search) {
    search.addEventListener("input", () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => { debounce = null; if (searchChanged()) runSearch(); }, DEBOUNCE_MS);
    });
    // Enter searches now (and retries after an error); it never submits the prompt.
    search.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.isComposing) { ev.preventDefault(); runSearch(); }
    });
  }
  const searchChanged = () => !!search && search.value.trim() !== want.search;
  const runSearch = () => request({ search: search.value.trim(), offset: 0 });
  function go(offset) {
    if (searchChanged()) runSearch();   // typed but not searched yet: that comes first
    else request({ offset });
  }

  function request(change) {
    want = { ...want, ...change };
    clearTimeout(debounce);
    debounce = null;
    if (!live) return;
    pending = ++nextRequestId;
    ctx.send({ type: "query", prompt_id: ctx.promptId, component: ctx.index, request_id: pending,
      offset: want.offset, page_size: want.pageSize, sort: want.sort, search: want.search });
    refresh();
    opts.changed();
  }

  function receive(msg) {
    if (!msg || (msg.type !== "query_result" && msg.type !== "query_error")) return;
    if (pending === null || msg.request_id !== pending) return;   // older, or another view's
    pending = null;
    if (msg.type === "query_result") {
      shown.rows = Array.isArray(msg.rows) ? msg.rows : [];
      shown.total = typeof msg.total === "number" ? msg.total : shown.rows.length;
      shown.offset = typeof msg.offset === "number" ? msg.offset : want.offset;
      Object.assign(shown, { pageSize: want.pageSize, sort: want.sort, search: want.search });
      want.offset = shown.offset;
      showAlert(error, null);
      opts.draw(true);
    } else {
      // Back to what is on screen; the component stays usable (Enter in the search box retries).
      want = { offset: shown.offset, pageSize: shown.pageSize, sort: shown.sort, search: shown.search };
      if (size) size.value = String(shown.pageSize);
      showAlert(error, text(msg.message) || `Could not load these ${noun}.`);
    }
    refresh();
    opts.changed();
  }

  function refresh() {
    const n = shown.rows.length, total = shown.total;
    const Noun = capitalise(noun);
    if (total === 0) info.textContent = shown.search ? `No matching ${noun}` : `No ${noun}`;
    else if (!n) info.textContent = `No ${noun} on this page (${fmtInt(total)} in all)`;
    else info.textContent = `${Noun} ${fmtInt(shown.offset + 1)}–${fmtInt(shown.offset + n)} of ${fmtInt(total)}`;
    loading.hidden = pending === null;
    opts.box.classList.toggle("inb-rv-data-loading", pending !== null);
    opts.box.setAttribute("aria-busy", String(pending !== null));
    if (live) {
      setDisabled(prev, want.offset <= 0, next, search, opts.home());
      setDisabled(next, want.offset + want.pageSize >= total, prev, search, opts.home());
      // Everything fits on the smallest page and nothing is filtered: no paging to offer.
      setHidden(controls, total <= smallest && !shown.search && !want.search && shown.offset === 0 && pending === null,
        search, opts.home());
    }
  }

  return {
    live, shown, search, error, pager, request, receive,
    get want() { return want; },
    get loading() { return pending !== null; },
    start() {
      refresh();
      if (init.error) showAlert(error, text(init.error));     // the first page failed in the kernel
      if (live && !Array.isArray(init.rows)) request({});   // no first page given: ask for it
    },
    /** What a draft keeps of the paging: the page asked for, its size, sort and search text. */
    draft: () => ({ offset: want.offset, page_size: want.pageSize, sort: want.sort,
      search: search ? search.value.trim() : want.search }),
    /** Ask the kernel for the page a draft kept (see `pagingFromDraft`). */
    restore(entry) {
      if (!live) return;
      const change = pagingFromDraft(entry, size);
      if (search && change.search !== undefined) search.value = change.search;
      if (size && change.pageSize !== undefined) size.value = String(change.pageSize);
      request(change);
    },
    dispose() { clearTimeout(debounce); },
  };
}

/** `select.table` (a selection kept across pages in a Set of keys, or "all matching" with an
 *  `except` list) and `display.table`. Returns {box, read, focus, data}. */
function dataTable(comp, ctx) {
  const p = comp.props || {};
  const selectable = comp.kind === "select.table" && p.selectable !== false;
  const cols = Array.isArray(p.columns) ? p.columns : [];
  const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const lo = num(p.min_selections), hi = num(p.max_selections);
  let sel = new Set();
  let all = null;            // all-matching mode: {search, except: Set of keys, total}
  let note = "";             // a one-off explanation shown instead of the count
  let hasMenu = false;

  const start = comp.value !== null && comp.value !== undefined ? comp.value : p.initially_selected;
  if (selectable && isPlainObject(start) && "all_matching" in start) {
    all = { search: text(start.all_matching), except: new Set(Array.isArray(start.except) ? start.except : []), total: null };
  } else if (selectable && Array.isArray(start)) {
    sel = new Set(start);
  }

  const headRow = h("tr", {});
  const tbody = h("tbody", {});
  const table = h("table", { class: "inb-rv-dtable", data: { kind: comp.kind } }, h("thead", {}, headRow), tbody);
  const scroller = h("div", { class: "inb-rv-dt-scroll", tabindex: "-1" }, table);
  const box = h("div", { class: "inb-rv-data" });
  let headCheck = null;
  const data = pagedData(comp, ctx, {
    noun: "rows", box, draw: drawRows, changed: refresh, home: () => (headCheck && !headCheck.disabled ? headCheck : scroller),
  });
  const sortable = data.live && !!p.sortable;

  if (selectable) {
    headCheck = h("input", { type: "checkbox", class: "inb-rv-checkbox", "aria-label": "Select every row on this page",
      data: { role: "page-check" } });
    headCheck.addEventListener("change", () => togglePage(headCheck.checked));
    headRow.append(h("th", { class: "inb-rv-dt-check", scope: "col" }, headCheck));
  }
  const heads = cols.map((col) => {
    const name = text(col.label ?? col.key);
    const th = h("th", { scope: "col", class: col.align === "right" ? "inb-rv-dt-right" : null, data: { column: text(col.key) } });
    if (sortable && col.sortable !== false) {
      const sortButton = h("button", { type: "button", class: "inb-rv-sort", data: { sort: text(col.key) } },
        h("span", { text: name }), h("span", { class: "inb-rv-sort-arrow", "aria-hidden": "true" }));
      sortButton.addEventListener("click", () => sortBy(col.key));
      th.append(sortButton);
    } else {
      th.textContent = name;
    }
    headRow.append(th);
    return { th, col };
  });
  const menuHead = h("th", { class: "inb-rv-dt-menu", scope: "col" }, h("span", { class: "inb-rv-sr-only", text: "Actions" }));

  // Selection bar (select.table only)
  const count = h("span", { class: "inb-rv-dt-count", "aria-live": "polite" });
  const selectAll = h("button", { type: "button", class: "inb-rv-linkbtn", data: { role: "select-all-matching" }, hidden: true });
  const clear = smallButton("Clear", { data: { role: "clear-selection" }, hidden: true });
  const lb = lo !== null && hi !== null ? (lo === hi ? `choose ${lo}` : `choose ${lo}–${hi}`)
    : lo !== null && lo > 0 ? `choose at least ${lo}` : hi !== null ? `choose at most ${hi}` : "";
  const bar = selectable ? h("div", { class: "inb-rv-dt-bar" }, count, selectAll, clear) : null;
  selectAll.addEventListener("click", () => {
    all = { search: data.shown.search, except: new Set(), total: data.shown.total };
    note = "";
    refresh();
    if (!clear.hidden) clear.focus({ preventScroll: true });
  });
  clear.addEventListener("click", () => {
    all = null; sel = new Set(); note = "";
    refresh();   // Clear hides itself: focus moves to the page checkbox
  });

  const top = data.search || bar ? h("div", { class: "inb-rv-dt-top" }, data.search, bar) : null;
  box.append(top, scroller, data.error, data.pager);

  const isSel = (k) => (all ? !all.except.has(k) : sel.has(k));
  function setSel(k, on) {
    note = "";
    if (all) { if (on) all.except.delete(k); else all.except.add(k); } else if (on) sel.add(k); else sel.delete(k);
  }
  function togglePage(on) {
    const keys = data.shown.rows.map((r) => r.key);
    if (on && !all && hi !== null && sel.size + keys.filter((k) => !sel.has(k)).length > hi) { refresh(); return; }
    keys.forEach((k) => setSel(k, on));
    refresh();
  }
  function sortBy(key) {
    const cur = data.want.sort;
    const nextSort = !cur || cur.column !== key ? { column: key, direction: "asc" }
      : cur.direction === "asc" ? { column: key, direction: "desc" } : null;
    data.request({ sort: nextSort, offset: 0 });
  }

  function rowEl(row) {
    const key = row.key;
    const cells = Array.isArray(row.cells) ? row.cells : [];
    const first = cells[0];
    const name = text(isPlainObject(first) ? first.text : first) || text(key);
    const tr = h("tr", { data: { key: text(key) } });
    tr.rowKey = key;
    if (selectable) {
      const cb = h("input", { type: "checkbox", class: "inb-rv-checkbox", "aria-label": `Select ${name}`, data: { role: "row-check" } });
      cb.addEventListener("change", () => { setSel(key, cb.checked); refresh(); });
      tr.append(h("td", { class: "inb-rv-dt-check" }, cb));
      // A click anywhere on the row (not on a link, button or while selecting text) ticks it.
      tr.addEventListener("click", (ev) => {
        if (ev.target.closest("a, button, input, select, label, [popover]") || String(document.getSelection() || "")) return;
        if (cb.disabled) return;
        cb.checked = !cb.checked;
        setSel(key, cb.checked);
        refresh();
      });
    }
    cols.forEach((col, i) => tr.append(h("td", {
      class: col.align === "right" ? "inb-rv-dt-right" : null, data: col.format ? { format: col.format } : null,
    }, cellContent(cells[i]))));
    if (hasMenu) tr.append(h("td", { class: "inb-rv-dt-menu" }, Array.isArray(row.menu) && row.menu.length ? rowMenu(row.menu, name) : null));
    return tr;
  }

  function drawRows(fromKernel) {
    const rows = data.shown.rows;
    if (!hasMenu && rows.some((r) => Array.isArray(r.menu) && r.menu.length)) { hasMenu = true; headRow.append(menuHead); }
    if (fromKernel && all) {
      if (data.shown.search !== all.search) {   // "all matching" meant the old search: start again
        all = null; sel = new Set();
        note = "Selection cleared: the search changed.";
      } else {
        all.total = data.shown.total;
      }
    }
    const active = document.activeElement;
    const keep = tbody.contains(active) ? { key: active.closest("tr").rowKey, role: active.dataset.role } : null;
    const span = cols.length + (selectable ? 1 : 0) + (hasMenu ? 1 : 0);
    tbody.replaceChildren(...(rows.length ? rows.map(rowEl)
      : [h("tr", { class: "inb-rv-dt-empty" }, h("td", { colspan: String(span), text: data.shown.search ? "No matching rows." : "No rows." }))]));
    refresh();
    if (keep) {   // the focused control was replaced: the same one in the same row, else a stable place
      const tr = [...tbody.rows].find((r) => r.rowKey === keep.key);
      const again = tr && keep.role ? tr.querySelector(`[data-role="${keep.role}"]`) : null;
      (again && !again.disabled ? again : headCheck && !headCheck.disabled ? headCheck : data.search || scroller).focus({ preventScroll: true });
    }
  }

  function refresh() {
    const s = data.want.sort;
    for (const { th, col } of heads) {
      if (!sortable || col.sortable === false) continue;
      const on = !!s && s.column === col.key;
      th.setAttribute("aria-sort", on ? (s.direction === "asc" ? "ascending" : "descending") : "none");
      th.querySelector(".inb-rv-sort-arrow").textContent = on ? (s.direction === "asc" ? "▲" : "▼") : "";
    }
    if (!selectable) return;
    let n = 0, nOn = 0;
    const atMax = !all && hi !== null && sel.size >= hi;   // comfort only: the kernel judges the bounds
    for (const tr of tbody.rows) {
      const cb = tr.querySelector("input[data-role=row-check]");
      if (!cb) continue;
      const on = isSel(tr.rowKey);
      n += 1; nOn += on ? 1 : 0;
      cb.checked = on;
      setDisabled(cb, !on && atMax, headCheck, scroller);
      tr.classList.toggle("inb-rv-dt-selected", on);
    }
    headCheck.checked = n > 0 && nOn === n;
    headCheck.indeterminate = nOn > 0 && nOn < n;
    const overflow = !all && hi !== null && nOn < n && sel.size + (n - nOn) > hi;
    setDisabled(headCheck, n === 0 || overflow, scroller);

    const matching = (all ? all.search : data.shown.search) ? "matching" : "rows";
    let msg;
    if (all) {
      const t = all.total;
      if (t === null) msg = `All ${matching} selected${all.except.size ? ` except ${fmtInt(all.except.size)}` : ""}`;
      else if (all.except.size) msg = `${fmtInt(Math.max(0, t - all.except.size))} of ${fmtInt(t)} ${matching} selected`;
      else msg = `All ${fmtInt(t)} ${matching} selected`;
    } else {
      msg = `${fmtInt(sel.size)} selected${lb ? ` · ${lb}` : ""}`;
    }
    count.textContent = note || msg;
    const total = data.shown.total;
    const canAll = !!p.can_select_all && !all && !data.loading && n > 0 && nOn === n && total > n && (hi === null || total <= hi);
    selectAll.textContent = `Select all ${fmtInt(total)} ${data.shown.search ? "matching" : "rows"}`;
    setHidden(selectAll, !canAll, clear, headCheck, scroller);
    setHidden(clear, !all && sel.size === 0, headCheck, scroller);
  }

  drawRows(false);
  data.start();
  if (all && all.search && data.search) {   // restore "all matching <search>": show that search
    data.search.value = all.search;
    data.request({ search: all.search, offset: 0 });
  }
  if (ctx && ctx.listen) ctx.listen(data.receive);
  if (ctx && ctx.onDispose) ctx.onDispose(data.dispose);
  const read = () => (!selectable ? null : all ? { all_matching: all.search, except: [...all.except] } : [...sel]);
  return {
    box, data, read,
    focus: data.search || headCheck,
    draft: () => ({ selected: read(), ...data.draft() }),
    restore(entry) {
      const chosen = entry.selected;
      if (selectable && isPlainObject(chosen) && typeof chosen.all_matching === "string") {
        all = { search: chosen.all_matching, except: new Set(Array.isArray(chosen.except) ? chosen.except : []), total: null };
      } else if (selectable && Array.isArray(chosen)) {
        all = null; sel = new Set(chosen);
      }
      note = "";
      data.restore(entry);
      refresh();
    },
  };
}

/** `display.grid`: cards, paged like a table (no sorting). */
function dataGrid(comp, ctx) {
  const list = h("ul", { class: "inb-rv-grid", data: { kind: comp.kind } });
  const box = h("div", { class: "inb-rv-data", tabindex: "-1" });
  const data = pagedData(comp, ctx, { noun: "items", box, draw, changed() {}, home: () => box });
  box.append(data.search ? h("div", { class: "inb-rv-dt-top" }, data.search) : null, list, data.error, data.pager);

  function card(item) {
    const body = [
      item.image ? h("img", { class: "inb-rv-card-img", src: item.image, alt: "", loading: "lazy" }) : null,
      h("div", { class: "inb-rv-card-body" }, h("div", { class: "inb-rv-card-label", text: text(item.label) }),
        item.description ? h("div", { class: "inb-rv-card-desc", text: text(item.description) }) : null),
    ];
    const inner = item.url
      ? h("a", { class: "inb-rv-card inb-rv-card-link", href: item.url, target: "_blank", rel: "noopener noreferrer" }, body)
      : h("div", { class: "inb-rv-card" }, body);
    return h("li", { class: "inb-rv-grid-item", data: { key: text(item.key) } }, inner);
  }
  function draw() {
    const hadFocus = list.contains(document.activeElement);
    const items = data.shown.rows;
    list.replaceChildren(...(items.length ? items.map(card)
      : [h("li", { class: "inb-rv-grid-empty", text: data.shown.search ? "No matching items." : "No items." })]));
    if (hadFocus) (data.search || box).focus({ preventScroll: true });
  }
  draw();
  data.start();
  if (ctx && ctx.listen) ctx.listen(data.receive);
  if (ctx && ctx.onDispose) ctx.onDispose(data.dispose);
  return box;
}

// ---------------------------------------------------------------------------------------------
// Embedded ipywidgets (display.widget)

/** Lumino lifecycle messages, as `Widget.attach` would send them (a plain object is a message). */
function luminoMessage(view, type) {
  const lw = view.luminoWidget || view.pWidget;
  if (!lw || typeof lw.processMessage !== "function") return false;
  try { lw.processMessage({ type, isConflatable: false }); } catch (err) { /* a view with odd internals */ }
  return true;
}

function embeddedWidget(p, label, ctx) {
  const host = h("div", { class: "inb-rv-widget-host" });
  const box = h("div", { class: "inb-rv-widget" }, displayLabel(label), host);
  const fallback = (why) => host.replaceChildren(h("div", { class: "inb-rv-widget-fallback" },
    "This widget cannot be shown here", why ? h("span", { class: "inb-rv-hint", text: ` (${why})` }) : null, "."));
  // anywidget 0.11 hands render() a model proxy whose `widget_manager` is the ipywidgets manager.
  const wm = ctx && ctx.model && ctx.model.widget_manager;
  if (!p.model_id || !wm || typeof wm.get_model !== "function" || typeof wm.create_view !== "function") {
    fallback(p.model_id ? "" : "no widget given");
    return box;
  }
  host.append(h("div", { class: "inb-rv-hint", text: "Loading widget…" }));
  let view = null;
  let gone = false;
  (async () => {
    try {
      const m = await wm.get_model(p.model_id);
      if (gone) return;
      if (!m) throw new Error("widget not found");
      const v = await wm.create_view(m, {});
      if (gone) { v.remove(); return; }
      view = v;
      luminoMessage(v, "before-attach");
      host.replaceChildren(v.el);
      // Lumino views hear "after-attach" (ipywidgets then triggers "displayed"); others directly.
      if (!luminoMessage(v, "after-attach") && typeof v.trigger === "function") v.trigger("displayed");
    } catch (err) {
      if (!gone) fallback(err && err.message ? err.message : "");
    }
  })();
  if (ctx && ctx.onDispose) {
    ctx.onDispose(() => {
      gone = true;
      if (!view) return;
      luminoMessage(view, "before-detach");
      view.el.remove();
      luminoMessage(view, "after-detach");   // clears Lumino's attached flag, so dispose() cannot throw
      try { view.remove(); } catch (err) { /* already disposed */ }
      view = null;
    });
  }
  return box;
}

// ---------------------------------------------------------------------------------------------
// Input controls. Each builder gets (component, id, ctx) and returns
//   { control, read(), focus, group?, inline?, labelled?, collect? }
// `read()` gives the raw value to send; `focus` is the element that takes focus and carries
// aria-invalid/aria-describedby; `group` means a set of radios/checkboxes (label has no `for`);
// `labelled`: not a labelable element (aria-labelledby, a click on the label focuses it);
// `collect(buffers)`: async, gives the value and pushes binary buffers (files).

function inputEl(id, type, comp, extra = {}) {
  const p = comp.props || {};
  return h("input", { id, type, class: "inb-rv-input", value: text(comp.value), placeholder: p.placeholder, ...extra });
}

function withHint(control, hint) {
  return hint ? h("div", { class: "inb-rv-control" }, control, h("div", { class: "inb-rv-hint", text: hint })) : control;
}

function temporal(type, normalise) {
  return (comp, id) => {
    const p = comp.props || {};
    const lo = normalise(p.min) || null, hi = normalise(p.max) || null;
    const field = inputEl(id, type, { ...comp, value: normalise(comp.value) }, { min: lo, max: hi });
    // The range in words, as number bounds are shown: the native picker does not always say.
    const hint = lo && hi ? `Between ${lo} and ${hi}` : lo ? `On or after ${lo}` : hi ? `On or before ${hi}` : "";
    return { control: withHint(field, hint), read: () => field.value, focus: field };
  };
}
// datetime-local wants "YYYY-MM-DDTHH:MM"; the kernel may hand us "YYYY-MM-DD HH:MM:SS".
const isoMinutes = (v) => text(v).replace(" ", "T").slice(0, 16);

/** A filter box that hides options whose text does not match (searchable selects, long lists). */
function filterBox(label, rows) {
  const empty = h("div", { class: "inb-rv-hint", text: "No matching options.", hidden: true });
  const box = h("input", {
    type: "search", class: "inb-rv-input inb-rv-filter", placeholder: "Filter options…",
    "aria-label": `Filter ${label}`, autocomplete: "off",
    on: { input: () => {
      const q = box.value.trim().toLowerCase();
      let shown = 0;
      for (const row of rows()) { row.hidden = !!q && !row.dataset.search.includes(q); shown += row.hidden ? 0 : 1; }
      empty.hidden = shown > 0;
    } },
  });
  // Enter in the filter picks the only remaining match instead of submitting the prompt.
  box.pickOnlyMatch = () => {
    const visible = rows().filter((r) => !r.hidden);
    if (visible.length === 1) visible[0].pick();
  };
  return { box, empty };
}

function optionSearchText(o) { return `${o.label} ${text(o.description)}`.toLowerCase(); }

function selectSingle(comp, id) {
  const p = comp.props || {};
  const options = p.options || [];
  // Option values keep their JSON type (1, "1", true): the page sends the value itself, found by index.
  const initial = options.findIndex((o) => o.value === comp.value);
  let control, read, focus, rows, group = false;
  if (options.length <= RADIO_LIMIT) {
    group = true;
    const radios = options.map((o, i) =>
      h("input", { type: "radio", id: `${id}-o${i}`, name: id, value: String(i), checked: i === initial }));
    const radioRows = options.map((o, i) => {
      const row = h("label", { class: "inb-rv-option", for: `${id}-o${i}`, data: { search: optionSearchText(o) } }, radios[i],
        h("span", { class: "inb-rv-option-text" }, h("span", { text: o.label }),
          o.description ? h("span", { class: "inb-rv-option-desc", text: o.description }) : null));
      row.pick = () => { radios[i].checked = true; };
      return row;
    });
    rows = () => radioRows;
    control = h("div", { class: "inb-rv-options", role: "radiogroup", id }, radioRows);
    read = () => { const r = radios.find((x) => x.checked); return r ? options[Number(r.value)].value : null; };
    focus = radios.find((r) => r.checked) || radios[0] || control;
  } else {
    const desc = h("div", { class: "inb-rv-hint" });
    const select = h("select", { id, class: "inb-rv-input inb-rv-select" },
      h("option", { value: "", text: "Choose…" }),
      options.map((o, i) => h("option", { value: String(i), text: o.label, title: o.description })));
    const showDesc = () => { desc.textContent = select.value === "" ? "" : text(options[Number(select.value)].description); };
    select.value = initial >= 0 ? String(initial) : "";
    select.addEventListener("change", showDesc);
    showDesc();
    const optionEls = [...select.options].slice(1);
    optionEls.forEach((el, i) => {
      el.dataset.search = optionSearchText(options[i]);
      el.pick = () => { select.value = String(i); showDesc(); };
    });
    rows = () => optionEls;
    control = h("div", { class: "inb-rv-control" }, select, desc);
    read = () => (select.value === "" ? null : options[Number(select.value)].value);
    focus = select;
  }
  if (p.searchable) {
    const { box, empty } = filterBox(comp.label, rows);
    control = h("div", { class: "inb-rv-control" }, box, control, empty);
  }
  return { control, read, focus, group };
}

function selectMultiple(comp, id) {
  const p = comp.props || {};
  const options = p.options || [];
  const chosen = Array.isArray(comp.value) ? comp.value : [];
  const boxes = options.map((o, i) =>
    h("input", { type: "checkbox", id: `${id}-o${i}`, value: String(i), checked: chosen.some((v) => v === o.value) }));
  const rows = options.map((o, i) => {
    const row = h("label", { class: "inb-rv-option", for: `${id}-o${i}`, data: { search: optionSearchText(o) } }, boxes[i],
      h("span", { class: "inb-rv-option-text" }, h("span", { text: o.label }),
        o.description ? h("span", { class: "inb-rv-option-desc", text: o.description }) : null));
    row.pick = () => { boxes[i].checked = true; refresh(); };
    return row;
  });
  const lo = p.min_selections, hi = p.max_selections;
  const bounds = lo && hi ? (lo === hi ? `choose ${lo}` : `choose ${lo}–${hi}`)
    : lo ? `choose at least ${lo}` : hi ? `choose at most ${hi}` : "";
  const counter = h("div", { class: "inb-rv-hint", "aria-live": "polite" });
  function refresh() {
    const n = boxes.filter((b) => b.checked).length;
    counter.textContent = `${n} selected${bounds ? ` · ${bounds}` : ""}`;
    // Comfort only (the kernel checks the bounds): no more ticking once the maximum is reached.
    for (const b of boxes) b.disabled = !b.checked && hi !== undefined && hi !== null && n >= hi;
  }
  boxes.forEach((b) => b.addEventListener("change", refresh));
  refresh();
  let control = h("div", { class: "inb-rv-options", role: "group", id }, rows);
  if (options.length > 10) {
    const { box, empty } = filterBox(comp.label, () => rows);
    control = h("div", { class: "inb-rv-control" }, box, control, empty);
  }
  return {
    control: h("div", { class: "inb-rv-control" }, control, counter), group: true,
    read: () => options.filter((o, i) => boxes[i].checked).map((o) => o.value),
    focus: boxes[0] || control,
  };
}

// ---------------------------------------------------------------------------------------------
// select.table, search, input.file, input.rich_text

function selectTable(comp, id, ctx) {
  const t = dataTable(comp, ctx);
  t.box.setAttribute("role", "group");
  t.box.id = id;
  return { control: t.box, read: t.read, focus: t.focus || t.box, group: true, draft: t.draft, restore: t.restore };
}

/** `search`: a combobox whose results come from the kernel ({type: "search"} → search_result). */
function searchInput(comp, id, ctx) {
  const p = comp.props || {};
  const multiple = !!p.multiple;
  const memory = ctx.keep();                       // survives a rebuild of this prompt in this view
  const seen = memory.seen || (memory.seen = new Map());   // key → Result, everything shown so far
  const initial = Array.isArray(p.initial) ? p.initial : [];
  const remember = (r) => { if (isPlainObject(r) && r.key !== undefined) seen.set(r.key, r); };
  initial.forEach(remember);
  let picked = multiple ? (Array.isArray(comp.value) ? comp.value.slice() : [])
    : comp.value === null || comp.value === undefined ? [] : [comp.value];
  let results = initial;
  let active = -1;
  let pending = null;
  let timer = null;

  const listId = `${id}-list`;
  const input = h("input", {
    id, type: "text", class: "inb-rv-input inb-rv-sr-input", role: "combobox", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": listId, placeholder: p.placeholder || "Search…", autocomplete: "off", spellcheck: "false",
  });
  const list = h("ul", { id: listId, class: "inb-rv-sr-list", role: "listbox", "aria-label": `${text(comp.label)} results`, hidden: true });
  const status = h("div", { class: "inb-rv-hint inb-rv-sr-status", "aria-live": "polite" });
  const error = h("div", { class: "inb-rv-inline-error", hidden: true });
  const chosen = h("div", { class: "inb-rv-sr-chosen-box" });
  const box = h("div", { class: "inb-rv-control inb-rv-sr" }, chosen, input, list, status, error);

  const resultBody = (r) => [
    r.image ? h("img", { class: "inb-rv-sr-img", src: r.image, alt: "", loading: "lazy" }) : null,
    h("span", { class: "inb-rv-option-text" }, h("span", { class: "inb-rv-sr-label", text: text(r.label ?? r.key) }),
      r.description ? h("span", { class: "inb-rv-option-desc", text: text(r.description) }) : null),
  ];
  const isOpen = () => !list.hidden;

  function drawList() {
    list.replaceChildren(...results.map((r, i) => {
      const isPicked = picked.includes(r.key);
      const li = h("li", { id: `${id}-opt-${i}`, role: "option", class: "inb-rv-sr-option", "aria-selected": String(i === active),
        data: { key: text(r.key) } }, resultBody(r), isPicked ? h("span", { class: "inb-rv-sr-check", text: "✓", "aria-label": "chosen" }) : null);
      li.addEventListener("mousedown", (ev) => ev.preventDefault());   // keep focus in the input
      li.addEventListener("click", () => pick(i));
      return li;
    }));
    if (active >= 0) input.setAttribute("aria-activedescendant", `${id}-opt-${active}`);
    else input.removeAttribute("aria-activedescendant");
    const item = list.children[active];
    if (item) item.scrollIntoView({ block: "nearest" });
  }
  function setOpen(open) {
    list.hidden = !open || !results.length;
    input.setAttribute("aria-expanded", String(!list.hidden));
    if (list.hidden) { active = -1; input.removeAttribute("aria-activedescendant"); }
  }
  function move(delta) {
    if (!results.length) return;
    if (!isOpen()) setOpen(true);
    active = active < 0 ? (delta > 0 ? 0 : results.length - 1) : (active + delta + results.length) % results.length;
    drawList();
  }

  function drawChosen() {
    const items = picked.map((k) => seen.get(k) || { key: k, label: text(k) });
    if (multiple) {
      chosen.replaceChildren(...(items.length ? [h("ul", { class: "inb-rv-chips", "aria-label": `Chosen ${text(comp.label)}` },
        items.map((r) => {
          const label = text(r.label ?? r.key);
          const x = h("button", { type: "button", class: "inb-rv-chip-x", "aria-label": `Remove ${label}`, text: "×" });
          x.addEventListener("click", () => unpick(r.key));
          return h("li", { class: "inb-rv-chip", data: { key: text(r.key) } },
            r.image ? h("img", { class: "inb-rv-chip-img", src: r.image, alt: "" }) : null, h("span", { text: label }), x);
        }))] : []));
    } else {
      const r = items[0];
      if (!r) { chosen.replaceChildren(); return; }
      const x = smallButton("Clear", { "aria-label": `Clear ${text(r.label ?? r.key)}` });
      x.addEventListener("click", () => unpick(r.key));
      chosen.replaceChildren(h("div", { class: "inb-rv-sr-chosen", data: { key: text(r.key) } }, resultBody(r), x));
    }
  }

  function pick(i) {
    const r = results[i];
    if (!r) return;
    remember(r);
    if (multiple) { if (!picked.includes(r.key)) picked.push(r.key); } else picked = [r.key];
    input.value = "";
    clearTimeout(timer); timer = null; pending = null;
    results = initial;
    status.textContent = "";
    setOpen(false);
    drawChosen();
    input.focus({ preventScroll: true });
  }
  function unpick(key) {
    picked = picked.filter((k) => k !== key);
    input.focus({ preventScroll: true });   // the button that was clicked is gone
    drawChosen();
    if (isOpen()) drawList();
  }

  function send() {
    timer = null;
    pending = ++nextRequestId;
    status.textContent = "Searching…";
    ctx.send({ type: "search", prompt_id: ctx.promptId, component: ctx.index, request_id: pending, query: input.value.trim() });
  }
  function receive(msg) {
    if (!msg || (msg.type !== "search_result" && msg.type !== "search_error")) return;
    if (pending === null || msg.request_id !== pending) return;   // a stale answer: a newer query is out
    pending = null;
    if (msg.type === "search_error") {
      showAlert(error, text(msg.message) || "The search failed.");
      status.textContent = "";
      results = [];
      setOpen(false);
      return;
    }
    showAlert(error, null);
    results = Array.isArray(msg.results) ? msg.results.filter(isPlainObject) : [];
    results.forEach(remember);
    status.textContent = results.length ? `${results.length} result${results.length === 1 ? "" : "s"}` : "No results.";
    active = results.length ? 0 : -1;   // Enter picks the best match
    drawList();
    setOpen(box.contains(document.activeElement));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = null;
    const q = input.value.trim();
    if (!q) {   // back to the initial results, no query
      pending = null;
      results = initial;
      status.textContent = "";
      active = -1;
      drawList();
      setOpen(true);
      return;
    }
    timer = setTimeout(send, DEBOUNCE_MS);
  });
  input.addEventListener("focus", () => { if (!isOpen() && !input.value.trim() && !pending) { results = initial; active = -1; drawList(); setOpen(true); } });
  input.addEventListener("click", () => { if (!isOpen()) { drawList(); setOpen(true); } });
  box.addEventListener("focusout", (ev) => { if (!box.contains(ev.relatedTarget)) setOpen(false); });
  input.addEventListener("keydown", (ev) => {
    if (ev.isComposing) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (!isOpen()) { drawList(); setOpen(true); }
      move(ev.key === "ArrowDown" ? 1 : -1);
    } else if (ev.key === "Escape" && isOpen()) {
      ev.preventDefault();
      setOpen(false);
    } else if (ev.key === "Enter") {
      // Enter submits the prompt only when something is picked and the list is closed.
      if (isOpen()) {
        ev.preventDefault();
        if (active >= 0) pick(active);
        else if (results.length === 1) pick(0);
        else setOpen(false);
      } else if (timer || pending !== null || !picked.length) {
        ev.preventDefault();   // a search is on its way, or nothing is chosen yet
      }
    } else if (ev.key === "Backspace" && multiple && !input.value && picked.length) {
      unpick(picked[picked.length - 1]);
    }
  });

  drawChosen();
  ctx.listen(receive);
  ctx.onDispose(() => clearTimeout(timer));
  return {
    control: box, focus: input,
    read: () => (multiple ? picked.slice() : picked.length ? picked[0] : null),
    // The picked results with their labels, so a view drawn later shows them as they were.
    draft: () => ({ picked: picked.slice(), results: picked.map((k) => seen.get(k)).filter(Boolean).map(draftResult) }),
    restore(entry) {
      if (!Array.isArray(entry.picked)) return;
      (Array.isArray(entry.results) ? entry.results : []).filter(isPlainObject).map(draftResult).forEach(remember);
      picked = multiple ? entry.picked.slice() : entry.picked.slice(0, 1);
      drawChosen();
    },
  };
}

/** A size as the kernel writes it in its own messages (io/files.py `_human`: 1 KB = 1000 bytes). */
function formatBytes(n) {
  if (!(n >= 0)) return "";
  if (n < 1000) return `${n} byte${n === 1 ? "" : "s"}`;
  let v = n / 1000;
  for (const unit of ["KB", "MB"]) {
    if (v < 1000) return `${v.toFixed(1)} ${unit}`;
    v /= 1000;
  }
  return `${v.toFixed(1)} GB`;
}

/** `input.file`: checked for extension and size here (comfort), sent as binary buffers. */
function fileInput(comp, id, ctx) {
  const p = comp.props || {};
  const multiple = !!p.multiple;
  const exts = Array.isArray(p.allowed_extensions) && p.allowed_extensions.length
    ? p.allowed_extensions.map((e) => { const s = text(e).trim().toLowerCase(); return s.startsWith(".") ? s : `.${s}`; }) : null;
  const maxSize = Number(p.max_size) > 0 ? Number(p.max_size) : null;
  let files = [];

  const picker = h("input", { type: "file", class: "inb-rv-file-native", multiple, accept: exts ? exts.join(",") : null,
    tabindex: "-1", "aria-hidden": "true", data: { role: "file-input" } });
  const choose = smallButton(multiple ? "Choose files" : "Choose file", { data: { role: "choose-file" } });
  const limits = [exts ? exts.join(", ") : null, maxSize ? `up to ${formatBytes(maxSize)}${multiple ? " each" : ""}` : null].filter(Boolean);
  const zone = h("div", { class: "inb-rv-drop" },
    h("div", { class: "inb-rv-drop-row" }, h("span", { class: "inb-rv-drop-icon", "aria-hidden": "true", text: "⇪" }),
      h("span", { text: multiple ? "Drop files here or" : "Drop a file here or" }), choose),
    limits.length ? h("div", { class: "inb-rv-hint", text: limits.join(" · ") }) : null, picker);
  const problems = h("div", { class: "inb-rv-inline-error inb-rv-file-problems", hidden: true });
  const previous = Array.isArray(comp.value) ? comp.value.filter(isPlainObject) : [];
  const previousNote = previous.length ? h("div", { class: "inb-rv-file-previous" },
    `Previously chosen: ${previous.map((f) => `${text(f.name)}${f.size !== undefined ? ` (${formatBytes(f.size)})` : ""}`).join(", ")} — choose again`) : null;
  const listEl = h("ul", { class: "inb-rv-files", "aria-label": "Chosen files" });
  const box = h("div", { class: "inb-rv-control inb-rv-file", role: "group", id }, zone, previousNote, problems, listEl);

  const extOk = (name) => !exts || exts.some((e) => name.toLowerCase().endsWith(e));
  function add(incoming) {
    const msgs = [];
    let ok = [];
    for (const f of incoming) {
      if (!extOk(f.name)) msgs.push(`${f.name}: only ${exts.join(", ")} files are accepted`);
      else if (maxSize !== null && f.size > maxSize) msgs.push(`${f.name} is ${formatBytes(f.size)}; the limit is ${formatBytes(maxSize)}`);
      else ok.push(f);
    }
    if (!multiple && ok.length > 1) { msgs.push(`Only one file can be chosen: kept ${ok[0].name}`); ok = ok.slice(0, 1); }
    if (multiple) {
      const same = (a, b) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
      files = files.concat(ok.filter((f) => !files.some((g) => same(f, g))));
    } else if (ok.length) {
      files = ok;
    }
    showAlert(problems, msgs.join("\n"));
    draw();
  }
  function draw() {
    if (previousNote) previousNote.hidden = files.length > 0;
    listEl.replaceChildren(...files.map((f) => {
      const x = h("button", { type: "button", class: "inb-rv-chip-x", "aria-label": `Remove ${f.name}`, text: "×" });
      x.addEventListener("click", () => { files = files.filter((g) => g !== f); choose.focus({ preventScroll: true }); draw(); });
      return h("li", { class: "inb-rv-file-item" }, h("span", { class: "inb-rv-file-name", text: f.name }),
        h("span", { class: "inb-rv-file-size", text: formatBytes(f.size) }), x);
    }));
    listEl.hidden = !files.length;
  }

  choose.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => { add([...picker.files]); picker.value = ""; });
  let depth = 0;   // dragenter/leave fire for every child: count them
  zone.addEventListener("dragenter", (ev) => { ev.preventDefault(); depth += 1; zone.classList.add("inb-rv-drop-over"); });
  zone.addEventListener("dragover", (ev) => { ev.preventDefault(); if (ev.dataTransfer) ev.dataTransfer.dropEffect = "copy"; });
  zone.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) zone.classList.remove("inb-rv-drop-over"); });
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    depth = 0;
    zone.classList.remove("inb-rv-drop-over");
    if (ev.dataTransfer && ev.dataTransfer.files) add([...ev.dataTransfer.files]);
  });
  draw();

  return {
    control: box, focus: choose, group: true,
    read: () => files.map((f) => ({ name: f.name, type: f.type, size: f.size })),
    /** Read every file; their ArrayBuffers go into the message's `buffers` (indexes are global). */
    async collect(buffers) {
      const out = [];
      for (const f of files) {
        let buf;
        try { buf = await f.arrayBuffer(); } catch (err) { throw new Error(`Could not read ${f.name}: ${err && err.message ? err.message : err}`); }
        out.push({ name: f.name, type: f.type, size: f.size, buffer: buffers.push(buf) - 1 });
      }
      return out;
    },
  };
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** `input.rich_text`: a contenteditable editor; the kernel sanitises the HTML it gets. */
function richText(comp, id, ctx) {
  const p = comp.props || {};
  const editor = h("div", { id, class: "inb-rv-input inb-rv-rte", contenteditable: "true", role: "textbox",
    "aria-multiline": "true", "data-placeholder": text(p.placeholder) });
  editor.innerHTML = text(comp.value ?? p.default_value);   // sanitised HTML from the kernel
  let saved = null;
  let separator = null;

  const saveRange = () => {
    const s = document.getSelection();
    if (s && s.rangeCount && editor.contains(s.anchorNode)) saved = s.getRangeAt(0).cloneRange();
  };
  const restoreRange = () => {
    editor.focus({ preventScroll: true });
    if (saved && editor.contains(saved.startContainer)) {
      const s = document.getSelection();
      s.removeAllRanges();
      s.addRange(saved);
    }
  };
  const tidy = () => { if (["<br>", "<div><br></div>", "<p><br></p>"].includes(editor.innerHTML)) editor.innerHTML = ""; };
  function exec(cmd, arg) {
    restoreRange();
    document.execCommand(cmd, false, arg);
    saveRange();
    tidy();
    syncState();
  }

  const tool = (cmd, label, body, pressable) => {
    const b = h("button", { type: "button", class: "inb-rv-tool", title: label, "aria-label": label, data: { cmd },
      "aria-pressed": pressable ? "false" : null }, body);
    b.addEventListener("mousedown", (ev) => ev.preventDefault());   // keep the selection in the editor
    return b;
  };
  const tools = [
    tool("bold", "Bold", h("b", { text: "B" }), true),
    tool("italic", "Italic", h("i", { text: "I" }), true),
    tool("insertUnorderedList", "Bulleted list", "• List", true),
    tool("insertOrderedList", "Numbered list", "1. List", true),
    tool("link", "Link", "Link", false),
    tool("clear", "Clear formatting", "Clear", false),
  ];
  const toolbar = h("div", { class: "inb-rv-rte-toolbar", role: "toolbar", "aria-label": "Formatting", "aria-controls": id }, tools);

  // The link address row (no window.prompt: it blocks the page and looks foreign in Lab).
  const url = h("input", { type: "url", class: "inb-rv-input inb-rv-rte-url", placeholder: "https://", "aria-label": "Link address",
    autocomplete: "off", spellcheck: "false" });
  const addLink = button("Add link", "primary", { class: "inb-rv-btn inb-rv-btn-primary inb-rv-btn-small" });
  const cancelLink = smallButton("Cancel");
  const linkRow = h("div", { class: "inb-rv-rte-linkrow", hidden: true }, url, addLink, cancelLink);

  function openLink() {
    saveRange();
    const s = document.getSelection();
    const node = s && s.anchorNode ? (s.anchorNode.nodeType === 1 ? s.anchorNode : s.anchorNode.parentElement) : null;
    const a = node && editor.contains(node) ? node.closest("a") : null;
    url.value = a ? a.getAttribute("href") || "" : "";
    linkRow.hidden = false;
    url.focus();
  }
  function closeLink() {
    restoreRange();   // focus back to the editor before the row (and the focused field) hides
    linkRow.hidden = true;
  }
  function applyLink() {
    let href = url.value.trim();
    if (!href) { closeLink(); return; }
    if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) href = `https://${href}`;
    closeLink();
    if (saved && !saved.collapsed) exec("createLink", href);
    else exec("insertHTML", `<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`);
  }
  addLink.addEventListener("click", applyLink);
  cancelLink.addEventListener("click", closeLink);
  url.addEventListener("keydown", (ev) => {
    if (ev.isComposing) return;
    if (ev.key === "Enter") { ev.preventDefault(); applyLink(); } else if (ev.key === "Escape") { ev.preventDefault(); closeLink(); }
  });

  for (const b of tools) {
    b.addEventListener("click", () => {
      const cmd = b.dataset.cmd;
      if (cmd === "link") openLink();
      else if (cmd === "clear") { exec("removeFormat"); exec("unlink"); } else exec(cmd);
    });
  }
  function syncState() {
    const s = document.getSelection();
    if (!s || !s.anchorNode || !editor.contains(s.anchorNode)) return;
    for (const b of tools) {
      if (!b.hasAttribute("aria-pressed")) continue;
      let on = false;
      try { on = document.queryCommandState(b.dataset.cmd); } catch (err) { /* unsupported */ }
      b.setAttribute("aria-pressed", String(on));
    }
  }
  const onSelection = () => { if (editor.contains(document.getSelection()?.anchorNode)) { saveRange(); syncState(); } };
  document.addEventListener("selectionchange", onSelection);
  ctx.onDispose(() => document.removeEventListener("selectionchange", onSelection));

  editor.addEventListener("input", tidy);
  // Paragraphs as <p> while this editor has focus; the page-wide setting is put back on blur.
  editor.addEventListener("focus", () => {
    try { separator = document.queryCommandValue("defaultParagraphSeparator") || "div"; document.execCommand("defaultParagraphSeparator", false, "p"); } catch (err) { separator = null; }
  });
  editor.addEventListener("blur", () => {
    if (separator) try { document.execCommand("defaultParagraphSeparator", false, separator); } catch (err) { /* ignore */ }
  });
  // Ctrl/Cmd+B/I/U/Z/Y edit here; they must not reach JupyterLab (Ctrl+B would hide the sidebar).
  editor.addEventListener("keydown", (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return;
    const k = ev.key.toLowerCase();
    if (k === "k") { ev.preventDefault(); ev.stopPropagation(); openLink(); } else if ("biuzy".includes(k) && k.length === 1) { ev.stopPropagation(); requestAnimationFrame(syncState); }
  });

  return {
    control: h("div", { class: "inb-rv-control inb-rv-rte-box" }, toolbar, linkRow, editor),
    focus: editor, labelled: true,
    read: () => (editor.textContent.trim() || editor.querySelector("img") ? editor.innerHTML : ""),
  };
}

const INPUTS = {
  "input.text"(comp, id) {
    const p = comp.props || {};
    const field = p.multiline
      ? h("textarea", { id, class: "inb-rv-input inb-rv-textarea", rows: p.lines || 4, placeholder: p.placeholder,
        value: text(comp.value) })
      : inputEl(id, "text", comp);
    if (p.max_length) field.maxLength = p.max_length;
    let control = field;
    if (p.max_length) {
      const count = h("div", { class: "inb-rv-hint inb-rv-count" });
      const update = () => { count.textContent = `${field.value.length} / ${p.max_length}`; };
      field.addEventListener("input", update);
      update();
      control = h("div", { class: "inb-rv-control" }, field, count);
    }
    return { control, read: () => field.value, focus: field };
  },
  "input.email"(comp, id) {
    const field = inputEl(id, "email", comp, { autocomplete: "email", spellcheck: "false" });
    return { control: field, read: () => field.value, focus: field };
  },
  "input.url"(comp, id) {
    const field = inputEl(id, "url", comp, { spellcheck: "false", placeholder: comp.props?.placeholder ?? "https://" });
    return { control: field, read: () => field.value, focus: field };
  },
  "input.number"(comp, id) {
    const p = comp.props || {};
    // type=text: the kernel, not the browser, judges what a number is (the browser would send "" for "1,5").
    const field = inputEl(id, "text", comp, { inputmode: "decimal", autocomplete: "off" });
    const parts = [];
    if (p.min !== undefined && p.max !== undefined) parts.push(`between ${p.min} and ${p.max}`);
    else if (p.min !== undefined) parts.push(`at least ${p.min}`);
    else if (p.max !== undefined) parts.push(`at most ${p.max}`);
    if (p.decimals) parts.push(`up to ${p.decimals} decimal place${p.decimals === 1 ? "" : "s"}`);
    const hint = parts.length ? parts.join(", ").replace(/^./, (c) => c.toUpperCase()) : "";
    const prefix = p.prepend ? h("span", { class: "inb-rv-prepend", text: p.prepend, "aria-hidden": "true" }) : null;
    const box = prefix ? h("div", { class: "inb-rv-affix" }, prefix, field) : field;
    return { control: withHint(box, hint), read: () => field.value, focus: field };
  },
  "input.slider"(comp, id) {
    const p = comp.props || {};
    const field = h("input", { id, type: "range", class: "inb-rv-range", min: p.min, max: p.max, step: p.step ?? 1 });
    field.value = text(comp.value ?? p.min);
    const out = h("output", { class: "inb-rv-range-value", for: id, text: field.value });
    field.addEventListener("input", () => { out.textContent = field.value; });
    return {
      control: h("div", { class: "inb-rv-range-row" }, h("span", { class: "inb-rv-hint", text: text(p.min) }), field,
        h("span", { class: "inb-rv-hint", text: text(p.max) }), out),
      read: () => Number(field.value), focus: field,
    };
  },
  "input.boolean"(comp, id) {
    const field = h("input", { id, type: "checkbox", class: "inb-rv-checkbox", checked: comp.value === true });
    return { control: field, read: () => field.checked, focus: field, inline: true };
  },
  "input.date": temporal("date", (v) => text(v).slice(0, 10)),
  "input.time": temporal("time", (v) => text(v)),
  "input.datetime": temporal("datetime-local", isoMinutes),
  "select.single": selectSingle,
  "select.multiple": selectMultiple,
  "select.table": selectTable,
  "search": searchInput,
  "input.file": fileInput,
  "input.rich_text": richText,
};

/** A component kind this page cannot draw: say so, and send back the value we were given. */
function unsupported(comp) {
  const note = h("div", { class: "inb-rv-hint", text: `This page cannot show “${comp.kind}” inputs; update interval_nb.` });
  return { control: note, read: () => comp.value ?? null, focus: null };
}

// ---------------------------------------------------------------------------------------------
// One field: label, control, help text, error.

/** Show or hide an error message; only a shown one is an alert (so `[role=alert]` finds real errors). */
function showAlert(node, message) {
  node.textContent = text(message);
  node.hidden = !message;
  if (message) node.setAttribute("role", "alert"); else node.removeAttribute("role");
}

function buildField(comp, index, uid, ctx) {
  const data = { kind: comp.kind, index: String(index) };
  if (comp.kind.startsWith("display.")) {
    const wrapper = h("div", { class: "inb-rv-field inb-rv-field-display", data }, renderDisplay(comp, ctx));
    return { wrapper, read: () => null, focus: null, setError() {}, draft: () => null, restore() {} };
  }
  const p = comp.props || {};
  const id = `${uid}-f${index}`;
  const isConfirm = comp.kind === "confirm";
  const built = isConfirm ? { control: null, read: () => null, focus: null } : (INPUTS[comp.kind] || unsupported)(comp, id, ctx);
  const help = p.help_text ? h("div", { class: "inb-rv-help", id: `${id}-help`, text: p.help_text }) : null;
  const error = h("div", { class: "inb-rv-field-error", id: `${id}-error`, hidden: true });
  const labelAttrs = { class: isConfirm ? "inb-rv-label inb-rv-question" : "inb-rv-label", id: `${id}-label` };
  if (!built.group && !built.labelled && !isConfirm && built.focus) labelAttrs.for = id;
  const label = h("label", labelAttrs, comp.label);
  if (built.labelled && built.focus) label.addEventListener("click", () => built.focus.focus());
  const optional = comp.optional ? h("span", { class: "inb-rv-optional", text: "(optional)" }) : null;
  const head = built.inline
    ? h("div", { class: "inb-rv-inline" }, built.control, label, optional)
    : h("div", { class: "inb-rv-label-row" }, label, optional);
  const wrapper = h("div", { class: "inb-rv-field", data }, head, built.inline ? null : built.control, help, error);

  const describer = built.group ? wrapper.querySelector("[role=radiogroup],[role=group]") : built.focus;
  if (describer) {
    describer.setAttribute("aria-describedby", [help && help.id, error.id].filter(Boolean).join(" "));
    if (built.group || built.labelled) describer.setAttribute("aria-labelledby", label.id);
    if (!comp.optional && comp.kind !== "input.boolean") describer.setAttribute("aria-required", "true");
  }
  const field = {
    wrapper, read: built.read, collect: built.collect, focus: isConfirm ? label : built.focus,
    draft: () => fieldDraft(comp, built),
    restore: (entry) => restoreField(comp, built, entry),
    setError(message) {
      showAlert(error, message);
      wrapper.classList.toggle("inb-rv-invalid", !!message);
      if (describer && message) describer.setAttribute("aria-invalid", "true");
      else if (describer) describer.removeAttribute("aria-invalid");
    },
  };
  if (isConfirm) label.tabIndex = -1;   // focusable for a screen reader, but Enter never says "Yes" by accident
  field.setError(comp.error);
  return field;
}

// ---------------------------------------------------------------------------------------------
// One prompt = one <form>. Built once per prompt id; a validation error updates it in place.

/** What a component may use of its prompt and view (queries, embedded widgets, clean-ups). */
function fieldContext({ model, promptId, index, query, listeners, cleanups, keep }) {
  return {
    model, promptId, index, send: query,
    listen: (fn) => { listeners[index] = fn; },
    onDispose: (fn) => { cleanups.push(fn); },
    keep: () => keep(promptId, index),
  };
}

function buildPrompt(spec, { send, query, uid, model, keep, beforeSubmit }) {
  const choices = spec.choices || [];
  const comps = spec.components || [];
  const listeners = [];        // per component: the handler of the kernel's query/search replies
  const cleanups = [];
  const fields = comps.map((c, i) => buildField(c, i, uid,
    fieldContext({ model, promptId: spec.id, index: i, query, listeners, cleanups, keep })));
  const promptError = h("div", { class: "inb-rv-prompt-error", hidden: true });
  const checking = h("span", { class: "inb-rv-checking", "aria-live": "polite" });
  let buttons;
  if (spec.exclusive) {
    buttons = [button("Yes", "primary", { type: "submit", data: { confirm: "yes" } }),
      button("No", "secondary", { type: "submit", data: { confirm: "no" } })];
  } else if (choices.length) {
    // Without a theme, the first choice is the primary action, as a lone Submit would be.
    buttons = choices.map((c, i) => button(c.label, c.theme || (i === 0 ? "primary" : "default"),
      { type: "submit", data: { choice: text(c.value) } }));
  } else {
    buttons = [button("Submit", "primary", { type: "submit", class: "inb-rv-btn inb-rv-btn-primary inb-rv-submit" })];
  }
  const form = h("form", { class: "inb-rv-form", novalidate: true, tabindex: "-1", data: { promptId: spec.id } },
    fields.map((f) => f.wrapper), promptError, h("div", { class: "inb-rv-actions" }, buttons, checking));
  let current = spec;          // the last spec from the kernel (its values are what it rejected)
  let busy = false;
  let timer = null;
  let disposed = false;

  function setBusy(on, note = "Checking…") {
    busy = on;
    clearTimeout(timer);
    form.classList.toggle("inb-rv-busy", on);
    form.setAttribute("aria-busy", String(on));
    for (const b of buttons) b.disabled = on;
    checking.textContent = on ? note : "";
  }

  function setErrors(s) {
    s.components.forEach((c, i) => fields[i] && fields[i].setError(c.error));
    showAlert(promptError, s.error);
  }

  function submit(submitter) {
    if (busy) return;
    if (beforeSubmit) beforeSubmit();   // the draft first: a rejected answer keeps what was typed
    let choice = null;
    const values = fields.map((f) => (f.collect ? null : f.read()));
    if (spec.exclusive) {
      if (!submitter || !submitter.dataset.confirm) return;
      comps.forEach((c, i) => { if (c.kind === "confirm") values[i] = submitter.dataset.confirm === "yes"; });
    } else if (choices.length) {
      if (submitter && submitter.dataset.choice !== undefined) choice = submitter.dataset.choice;
      else if (choices.length === 1) choice = text(choices[0].value);
      else return;
    }
    // Keep keyboard focus inside the widget: a focused button that gets disabled drops focus to
    // <body>, and then Lab's shortcuts (Shift+Enter runs the cell) would see the next key press.
    if (buttons.includes(document.activeElement)) form.focus({ preventScroll: true });
    const msg = { type: "answer", prompt_id: spec.id, values, choice };
    if (!fields.some((f) => f.collect)) { setBusy(true); dispatch(msg, []); return; }
    // Files: read them first; their contents travel as the message's binary buffers.
    setBusy(true, "Reading files…");
    (async () => {
      const buffers = [];
      for (const [i, f] of fields.entries()) {
        if (!f.collect) continue;
        try {
          values[i] = await f.collect(buffers);
        } catch (err) {
          if (disposed) return;
          setBusy(false);
          f.setError(err && err.message ? err.message : String(err));
          focusFirst(true);
          return;
        }
      }
      if (disposed) return;
      setBusy(true, buffers.length ? "Uploading…" : "Checking…");
      dispatch(msg, buffers);
    })();
  }

  function dispatch(msg, buffers) {
    send(msg, buffers);
    // Every judged answer changes the prompt (a new prompt, or the same id with attempt + 1),
    // so an update always follows. This timer only guards against an answer the kernel
    // dropped unjudged (a stale or racing answer): then the form comes back usable.
    timer = setTimeout(() => {
      setBusy(false);
      flashErrors();
      if (form.contains(document.activeElement)) focusFirst(true);
    }, LOST_ANSWER_WAIT_MS);
  }

  function flashErrors() {
    for (const el of form.querySelectorAll(".inb-rv-field-error:not([hidden]), .inb-rv-prompt-error:not([hidden])")) {
      el.classList.remove("inb-rv-flash");
      void el.offsetWidth;   // restart the animation
      el.classList.add("inb-rv-flash");
    }
  }

  /** Focus the first field with an error (or the first field); the form itself if none can. */
  function focusFirst(preferError = false) {
    const withError = preferError ? fields.find((f) => f.wrapper.classList.contains("inb-rv-invalid") && f.focus) : null;
    const target = (withError || fields.find((f) => f.focus) || {}).focus || form;
    target.focus();
  }

  form.addEventListener("submit", (ev) => { ev.preventDefault(); submit(ev.submitter); });

  return {
    form, id: spec.id, setBusy, focusFirst,
    get busy() { return busy; },
    /** What the person did so far, one entry per component (see "Drafts"). */
    draft: () => fields.map((f) => f.draft()),
    /** Draw a draft the kernel kept (only when the prompt is first drawn in this view). */
    restore(draft) {
      const entries = isPlainObject(draft) && Array.isArray(draft.components) ? draft.components : [];
      entries.forEach((entry, i) => { if (fields[i] && isPlainObject(entry)) fields[i].restore(entry); });
    },
    /** The kernel re-sent this prompt: show its errors, keep every typed value. */
    update(s) { current = s; setErrors(s); setBusy(false); },
    /** Enter in a field: submit, unless the buttons are ambiguous (several choices, yes/no). */
    keyboardSubmit() {
      if (busy || spec.exclusive) return;
      if (choices.length > 1) return;
      form.requestSubmit(buttons[0]);
    },
    /** A query_result / search_result (or error) from the kernel for this prompt. */
    route(msg) {
      const fn = listeners[msg.component];
      if (fn) fn(msg);
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
      for (const fn of cleanups.splice(0)) {
        try { fn(); } catch (err) { console.error("[interval_nb] clean-up failed", err); }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Status, progress, logs, notifications, outcome

function renderLoading(loading) {
  const total = loading.items_in_queue;
  const done = loading.items_completed || 0;
  const determinate = typeof total === "number" && total > 0;
  const bar = h("div", { class: `inb-rv-progress${determinate ? "" : " inb-rv-progress-indeterminate"}`, role: "progressbar",
    "aria-label": loading.label || "Progress" }, h("div", { class: "inb-rv-progress-bar" }));
  if (determinate) {
    const pct = Math.max(0, Math.min(100, (100 * done) / total));
    bar.firstChild.style.width = `${pct}%`;
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", String(total));
    bar.setAttribute("aria-valuenow", String(done));
  }
  return h("div", { class: "inb-rv-loading" },
    h("div", { class: "inb-rv-loading-head" }, h("span", { class: "inb-rv-loading-label", text: loading.label || "Working…" }),
      determinate || done ? h("span", { class: "inb-rv-loading-count", text: determinate ? `${done} / ${total}` : `${done} done` }) : null),
    loading.description ? h("div", { class: "inb-rv-hint", text: loading.description }) : null, bar);
}

function renderNotifications(notes) {
  return h("ul", { class: "inb-rv-notes", "aria-live": "polite" }, notes.map((n) =>
    h("li", { class: "inb-rv-note" }, n.title ? h("strong", { text: n.title }) : null,
      h("span", { text: text(n.message) }),
      n.time ? h("time", { class: "inb-rv-note-time", text: new Date(n.time * 1000).toLocaleTimeString() }) : null)));
}

function renderResult(result) {
  const box = h("div", { class: "inb-rv-result" });
  if (result === null || result === undefined) {
    box.append(h("div", { class: "inb-rv-done", text: "Done." }));
  } else if (isPlainObject(result)) {
    box.append(h("div", { class: "inb-rv-result-title", text: "Result" }), h("table", { class: "inb-rv-table" }, h("tbody", {},
      Object.entries(result).map(([k, v]) => h("tr", {}, h("th", { scope: "row", text: k }),
        h("td", {}, v !== null && typeof v === "object" ? h("code", { class: "inb-rv-json", text: json(v, 0) })
          : text(v === null ? "null" : v)))))));
  } else {
    box.append(h("div", { class: "inb-rv-result-title", text: "Result" }), h("pre", { class: "inb-rv-pre", text: json(result) }));
  }
  return box;
}

function renderOutcome(status, result, error, reason) {
  if (status === "completed") return renderResult(result);
  if (status === "failed") {
    const err = error || {};
    return h("div", { class: "inb-rv-error", role: "alert" },
      h("div", {}, h("strong", { text: err.type || "Error" }), err.message ? `: ${err.message}` : ""),
      err.traceback ? h("details", { class: "inb-rv-traceback" }, h("summary", { text: "Traceback" }),
        h("pre", { class: "inb-rv-pre", text: err.traceback })) : null);
  }
  if (status === "cancelled" || status === "interrupted") {
    const fallback = status === "cancelled" ? "The run was cancelled." : "The run was interrupted.";
    return h("div", { class: "inb-rv-stopped" }, reason || fallback);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Drafts: what the person did on the waiting prompt, kept in the kernel
//
// A reload, another tab or another browser must find the prompt as it was left: typed values,
// ticked boxes, a table's selection, page, sort and search text. The view sends
// {type: "draft", prompt_id, draft: {rev, components: [entry | null, …]}} DRAFT_SAVE_MS after the
// last change (and when the page is hidden); the run keeps it inside the prompt it shows, so every
// view gets it back. A view applies a draft only when it first draws a prompt id: an echo of the
// person's own typing must never overwrite the field they are editing. Rich text comes back as
// the kernel sanitised it (the same sanitiser as answers), never as this page sent it.
// `root.dataset.draft` tells where the latest change is: pending → saving → saved.

const DRAFT_SAVE_MS = 400;
const TYPED = new Set(["input.text", "input.email", "input.url", "input.number", "input.date", "input.time",
  "input.datetime", "input.slider"]);

/** A search result as a draft keeps it: what the chosen chip shows, as text. */
const draftResult = (r) => ({ key: r.key, label: r.label === undefined ? undefined : text(r.label),
  description: r.description ? text(r.description) : undefined });

/** The paging a draft asks for, checked: {offset, pageSize, sort, search} (only what is valid). */
function pagingFromDraft(entry, size) {
  const change = {};
  if (Number.isInteger(entry.offset) && entry.offset >= 0) change.offset = entry.offset;
  const sizes = size ? [...size.options].map((o) => Number(o.value)) : [];
  if (sizes.includes(entry.page_size)) change.pageSize = entry.page_size;
  const sort = entry.sort;
  if (sort === null || (isPlainObject(sort) && typeof sort.column === "string" && ["asc", "desc"].includes(sort.direction))) {
    change.sort = sort && { column: sort.column, direction: sort.direction };
  }
  if (typeof entry.search === "string") change.search = entry.search;
  return change;
}

/** One component's draft entry, or null (secrets, files and confirmations are never kept). */
function fieldDraft(comp, built) {
  const p = comp.props || {};
  if (p.sensitive || p.disabled) return null;
  if (built.draft) return built.draft();
  const el = built.focus;
  if (!el) return null;
  if (TYPED.has(comp.kind)) return { value: el.value };
  if (comp.kind === "input.boolean") return { checked: el.checked };
  if (comp.kind === "input.rich_text") return { value: built.read() };
  if (comp.kind === "select.single") return { index: chosenIndexes(built.control)[0] ?? null };
  if (comp.kind === "select.multiple") return { indexes: chosenIndexes(built.control) };
  return null;
}

/** Indexes of the options chosen in a select.single / select.multiple control. */
function chosenIndexes(control) {
  const select = control.querySelector("select");
  if (select) return select.value === "" ? [] : [Number(select.value)];
  return [...control.querySelectorAll("input[type=radio]:checked, input[type=checkbox]:checked")].map((b) => Number(b.value));
}

/** Put a draft entry back into a component drawn for the first time. */
function restoreField(comp, built, entry) {
  if ((comp.props || {}).sensitive) return;
  if (built.restore) { built.restore(entry); return; }
  const el = built.focus;
  if (!el) return;
  const fire = (node, type) => node.dispatchEvent(new Event(type, { bubbles: true }));   // counters, hints
  if (TYPED.has(comp.kind) && typeof entry.value === "string") { el.value = entry.value; fire(el, "input"); }
  else if (comp.kind === "input.boolean" && typeof entry.checked === "boolean") el.checked = entry.checked;
  else if (comp.kind === "input.rich_text" && typeof entry.value === "string") el.innerHTML = entry.value;   // sanitised in the kernel
  else if (comp.kind === "select.single" && Number.isInteger(entry.index)) pickIndexes(built.control, [entry.index], fire);
  else if (comp.kind === "select.multiple" && Array.isArray(entry.indexes)) pickIndexes(built.control, entry.indexes, fire);
}

function pickIndexes(control, indexes, fire) {
  const select = control.querySelector("select");
  if (select) {
    const i = indexes[0];
    if (select.options[i + 1]) { select.value = String(i); fire(select, "change"); }
    return;
  }
  const boxes = [...control.querySelectorAll("input[type=radio], input[type=checkbox]")].filter((b) => /^\d+$/.test(b.value));
  for (const b of boxes) b.checked = indexes.includes(Number(b.value));
  if (boxes.length) fire(boxes[0], "change");
}

/** A prompt without its draft, as JSON: a change of the draft alone redraws nothing. */
const promptCore = (spec) => JSON.stringify({ ...spec, draft: undefined });

/** Saves the draft of the prompt on screen, debounced; one per view. */
function draftSaver(model, root) {
  const token = Math.random().toString(36).slice(2, 10);   // tells this view's echoes from others'
  let form = null, timer = null, count = 0, rev = null, sent = null, acked = true;
  const show = (state) => { root.dataset.draft = state; };
  const onChange = () => schedule();
  function schedule() {
    if (!form) return;
    show("pending");
    clearTimeout(timer);
    timer = setTimeout(flush, DRAFT_SAVE_MS);
  }
  function flush() {
    clearTimeout(timer);
    timer = null;
    if (!form || form.busy) return;   // an answer on its way says more than a draft
    const components = form.draft();
    const str = JSON.stringify(components);
    if (str === sent) { if (root.dataset.draft) show(acked ? "saved" : "saving"); return; }
    rev = `${token}-${++count}`;
    sent = str;
    acked = false;
    show("saving");
    model.send({ type: "draft", prompt_id: form.id, draft: { rev, components } });
  }
  const onHidden = () => { if (document.visibilityState === "hidden") flush(); };
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", onHidden);
  return {
    flush,
    /** Follow a newly drawn prompt (null: none); what it shows now counts as saved. */
    track(next) {
      if (form) for (const type of ["input", "change", "click"]) form.form.removeEventListener(type, onChange);
      clearTimeout(timer);
      timer = null;
      form = next;
      rev = null;
      acked = true;
      sent = next ? JSON.stringify(next.draft()) : null;
      delete root.dataset.draft;
      if (next) for (const type of ["input", "change", "click"]) next.form.addEventListener(type, onChange);
    },
    /** The kernel kept a draft of this prompt: if it is our latest, it is saved. */
    heard(spec) {
      if (!form || !spec || spec.id !== form.id || !isPlainObject(spec.draft) || rev === null || spec.draft.rev !== rev) return;
      acked = true;
      if (!timer) show("saved");
    },
    dispose() {
      clearTimeout(timer);
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onHidden);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The view

function render({ model, el }) {
  const uid = `inb-rv-${++nextUid}`;
  const badge = h("span", { class: "inb-rv-badge" });
  const title = h("span", { class: "inb-rv-title" });
  const cancel = button("Cancel", "secondary",
    { class: "inb-rv-btn inb-rv-btn-secondary inb-rv-btn-small", data: { action: "cancel" } });
  const transcriptBox = h("div", { class: "inb-rv-transcript" });
  const promptBox = h("div", { class: "inb-rv-prompt" });
  const loadingBox = h("div", {});
  const outcomeBox = h("div", {});
  const notesBox = h("div", {});
  const logsCount = h("summary", {});
  const logsLines = h("div", { class: "inb-rv-log-lines" });
  const logs = h("details", { class: "inb-rv-logs", hidden: true }, logsCount, logsLines);
  const root = h("div", { class: "inb-rv", tabindex: "-1" },
    h("div", { class: "inb-rv-header" }, badge, title, cancel),
    transcriptBox, promptBox, loadingBox, outcomeBox, notesBox, logs);
  el.append(root);

  let form = null;             // the controller of the prompt on screen
  let formSpec = "";           // JSON of the prompt on screen without its draft (see promptCore)
  const drafts = draftSaver(model, root);
  let wantFocus = false;       // a submit happened: the next prompt may take focus
  let logsTouched = false;     // the person opened/closed the log: stop choosing for them
  let transcriptShown = [];    // JSON of each transcript entry on screen (entries only get appended)
  const transcriptRoutes = new Map();   // transcript entry id → reply handlers of its components
  const last = {};             // last value drawn per part, to skip unchanged parts
  let cancelTimer = null;
  // Memory of components that must survive a rebuild of the same prompt in this view (the
  // labels of picked search results): prompt id → component index → object.
  const memory = new Map();
  const keep = (promptId, index) => {
    if (!memory.has(promptId)) memory.set(promptId, new Map());
    const byIndex = memory.get(promptId);
    if (!byIndex.has(index)) byIndex.set(index, {});
    return byIndex.get(index);
  };

  // Keys: JupyterLab listens for keydown on document (bubbling). Plain keys must not reach it
  // (Shift+Enter would re-run the cell, a/b/dd/m would edit the notebook); Ctrl/Cmd/Alt combos
  // pass (Ctrl+S must still save). Lab also cancels the browser's implicit submit on Enter in a
  // cell, so Enter submits here.
  // A control that handles Enter itself (search boxes, the combobox, the link address) calls
  // preventDefault(); then nothing is submitted here.
  root.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.stopPropagation();
    if (ev.key !== "Enter" || ev.isComposing || ev.defaultPrevented || !form) return;
    const t = ev.target;
    if (t.tagName === "TEXTAREA" || t.isContentEditable) {
      if (ev.shiftKey) { ev.preventDefault(); form.keyboardSubmit(); }
      return;                   // plain Enter: a new line
    }
    if (t.tagName !== "INPUT" || t.type === "file") return;   // buttons, selects, summaries keep their own Enter
    ev.preventDefault();
    if (t.pickOnlyMatch) t.pickOnlyMatch(); else form.keyboardSubmit();
  });

  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    cancel.textContent = "Cancelling…";
    model.send({ type: "cancel" });
    cancelTimer = setTimeout(resetCancel, 5000);   // if nothing happens, let them try again
  });
  function resetCancel() { clearTimeout(cancelTimer); cancel.disabled = false; cancel.textContent = "Cancel"; }

  logsCount.addEventListener("click", () => { logsTouched = true; });

  const focusInside = () => root.contains(document.activeElement);
  const focusFree = () => !document.activeElement || document.activeElement === document.body;

  /** Has this trait changed since it was last drawn? (Same object: no; equal JSON: no.) */
  function changed(name) {
    const value = model.get(name);
    if (name in last && last[name].ref === value) return false;
    const str = JSON.stringify(value ?? null);
    const same = name in last && last[name].str === str;
    last[name] = { ref: value, str };
    return !same;
  }

  function drawHeader(status, statusChanged) {
    root.dataset.runId = model.get("run_id") || "";
    root.dataset.status = status;
    badge.className = `inb-rv-badge inb-rv-badge-${status}`;
    badge.textContent = STATUS_TEXT[status] || status;
    title.textContent = model.get("title") || "";
    const live = !TERMINAL.has(status);
    cancel.hidden = !live;
    if (!live || statusChanged) resetCancel();
  }

  function drawTranscript() {
    const entries = model.get("transcript") || [];
    const strs = entries.map((e) => JSON.stringify(e));
    const prefixKept = transcriptShown.length <= strs.length && transcriptShown.every((s, i) => s === strs[i]);
    if (!prefixKept) { disposeTranscript(); transcriptBox.replaceChildren(); transcriptShown = []; transcriptRoutes.clear(); }
    for (let i = transcriptShown.length; i < entries.length; i++) {
      const box = renderTranscriptEntry(entries[i], { model, query: (msg) => model.send(msg) });
      if (typeof entries[i].id === "string") transcriptRoutes.set(entries[i].id, box.inbListeners);
      transcriptBox.append(box);
    }
    transcriptShown = strs;
    transcriptBox.hidden = !entries.length;
  }

  function disposeTranscript() {
    for (const entry of transcriptBox.children) {
      for (const fn of (entry.inbCleanups || []).splice(0)) {
        try { fn(); } catch (err) { console.error("[interval_nb] clean-up failed", err); }
      }
    }
  }

  function drawPrompt(status, promptChanged) {
    const spec = TERMINAL.has(status) ? null : model.get("prompt");
    if (!spec) {
      if (form) {
        // Keep focus (and so the key guard) in the widget while the run works: on <body>, a key
        // press would reach JupyterLab's command-mode shortcuts.
        if (form.form.contains(document.activeElement)) root.focus({ preventScroll: true });
        form.dispose(); form = null; promptBox.replaceChildren(); drafts.track(null);
      }
      if (TERMINAL.has(status)) wantFocus = false;
      return;
    }
    if (form && form.id === spec.id) { // validation error (or a twin view's answer): update in place
      drafts.heard(spec);
      if (!promptChanged || promptCore(spec) === formSpec) return;   // only the draft changed: keep the fields
      formSpec = promptCore(spec);
      const hadFocus = form.busy || focusInside();
      form.update(spec);
      if (hadFocus && (focusInside() || focusFree())) form.focusFirst(true);
      return;
    }
    const takeFocus = focusInside() || (wantFocus && focusFree());
    if (form) form.dispose();
    for (const id of memory.keys()) if (id !== spec.id) memory.delete(id);
    form = buildPrompt(spec, {
      uid: `${uid}-${spec.id}`, model, keep,
      send: (msg, buffers) => {
        wantFocus = true;
        if (buffers && buffers.length) model.send(msg, undefined, buffers); else model.send(msg);
      },
      query: (msg) => model.send(msg),   // table pages and search results: no focus change
      beforeSubmit: () => drafts.flush(),
    });
    if (isPlainObject(spec.draft)) form.restore(spec.draft);   // first draw of this prompt here only
    drafts.track(form);
    formSpec = promptCore(spec);
    promptBox.replaceChildren(form.form);
    wantFocus = false;
    if (takeFocus) form.focusFirst(true);   // never on first render: focus was not ours to take
  }

  function drawLogs() {
    const lines = model.get("logs") || [];
    logs.hidden = !lines.length;
    logsCount.textContent = `Log (${lines.length} line${lines.length === 1 ? "" : "s"})`;
    const atBottom = logsLines.scrollTop + logsLines.clientHeight >= logsLines.scrollHeight - 4;
    logsLines.replaceChildren(...lines.map((l) => h("div", { class: "inb-rv-log-line", text: l })));
    if (atBottom) logsLines.scrollTop = logsLines.scrollHeight;   // follow the tail unless scrolled up
    if (!logsTouched) logs.open = lines.length <= LOGS_OPEN_LIMIT;
  }

  function draw() {
    const status = model.get("status") || "pending";
    const statusChanged = changed("status");   // changed() remembers: ask once per draw
    drawHeader(status, statusChanged);
    if (changed("transcript")) drawTranscript();
    const promptChanged = changed("prompt");
    if (promptChanged || statusChanged) drawPrompt(status, promptChanged);
    const loading = status === "running" ? model.get("loading") : null;
    if (changed("loading") || statusChanged) loadingBox.replaceChildren(...(loading ? [renderLoading(loading)] : []));
    if (changed("logs")) drawLogs();
    if (changed("notifications")) {
      const notes = model.get("notifications") || [];
      notesBox.replaceChildren(...(notes.length ? [renderNotifications(notes)] : []));
    }
    const outcomeChanged = ["result", "error", "cancel_reason"].map(changed).some(Boolean);   // map: ask each
    if (statusChanged || outcomeChanged) {
      const outcome = renderOutcome(status, model.get("result"), model.get("error"), model.get("cancel_reason"));
      outcomeBox.replaceChildren(...(outcome ? [outcome] : []));
    }
    applyColorScheme();
  }

  // Native controls (date pickers, checkboxes, scrollbars) follow CSS `color-scheme`, which the
  // --jp-* variables cannot express. JupyterLab and Voilà say which theme is on in
  // body[data-jp-theme-light]; elsewhere (VS Code…) judge the lightness of our own background.
  function applyColorScheme() {
    const lab = document.body && document.body.dataset.jpThemeLight;
    let dark = lab === "false";
    if (lab === undefined) {
      const m = getComputedStyle(root).backgroundColor.match(/\d+(\.\d+)?/g);
      dark = !!m && 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2] < 128;
    }
    root.dataset.scheme = dark ? "dark" : "light";
  }
  const themeWatch = new MutationObserver(() => requestAnimationFrame(applyColorScheme));
  const themeAttrs = ["data-jp-theme-light", "data-vscode-theme-kind"];
  if (document.body) themeWatch.observe(document.body, { attributes: true, attributeFilter: themeAttrs });

  // Replies to table queries and searches: for the prompt on screen, or for a table or grid
  // in the transcript (its entry id is the prompt id).
  const onCustom = (msg) => {
    if (!isPlainObject(msg)) return;
    if (form && msg.prompt_id === form.id) { form.route(msg); return; }
    const listeners = transcriptRoutes.get(msg.prompt_id);
    const fn = listeners && listeners[msg.component];
    if (fn) fn(msg);
  };

  model.on("change", draw);
  model.on("msg:custom", onCustom);
  draw();
  requestAnimationFrame(applyColorScheme);   // `el` may only be attached to the page after render()
  return () => {
    if (form) form.dispose();
    drafts.dispose();
    disposeTranscript();
    clearTimeout(cancelTimer);
    themeWatch.disconnect();
    if (typeof model.off === "function") model.off("msg:custom", onCustom);
  };
}

export default { render };
