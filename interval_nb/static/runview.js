// RunView: the page side of one action run (interval_nb, DESIGN §3).
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
const RESUBMIT_WAIT_MS = 1500;    // see `submit()`: the kernel may have nothing new to say
const LOST_ANSWER_WAIT_MS = 20000;
const IMAGE_SIZES = { thumbnail: "80px", small: "240px", medium: "480px", large: "100%" };

let nextUid = 0;                  // element ids must be unique even when a model is shown twice

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
const sameJSON = (a, b) => JSON.stringify(a) === JSON.stringify(b);

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
};

function renderDisplay(comp) {
  const draw = DISPLAYS[comp.kind];
  if (draw) return draw(comp.props || {}, comp.label);
  // A kind this page does not know yet: show what we can rather than nothing.
  return h("div", { class: "inb-rv-unknown" }, displayLabel(comp.label || comp.kind),
    h("pre", { class: "inb-rv-pre", text: json(comp.props) }));
}

function renderTranscriptEntry(entry) {
  const box = h("div", { class: `inb-rv-entry inb-rv-entry-${entry.kind === "answer" ? "answer" : "display"}` });
  for (const comp of entry.components || []) {
    if (entry.kind === "answer") {   // a summary of an earlier answer: "label: value"
      box.append(h("div", { class: "inb-rv-answer" }, h("span", { class: "inb-rv-answer-label", text: `${comp.label}: ` }),
        h("span", { text: typeof comp.value === "string" ? comp.value : json(comp.value, 0) })));
    } else {
      box.append(renderDisplay(comp));
    }
  }
  return box;
}

// ---------------------------------------------------------------------------------------------
// Input controls. Each builder gets (component, id) and returns
//   { control, read(), focus, group?, inline? }
// `read()` gives the raw value to send; `focus` is the element that takes focus and carries
// aria-invalid/aria-describedby; `group` means a set of radios/checkboxes (label has no `for`).

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
    const field = inputEl(id, type, { ...comp, value: normalise(comp.value) },
      { min: normalise(p.min) || null, max: normalise(p.max) || null });
    return { control: field, read: () => field.value, focus: field };
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

function buildField(comp, index, uid) {
  const data = { kind: comp.kind, index: String(index) };
  if (comp.kind.startsWith("display.")) {
    const wrapper = h("div", { class: "inb-rv-field inb-rv-field-display", data }, renderDisplay(comp));
    return { wrapper, read: () => null, focus: null, setError() {} };
  }
  const p = comp.props || {};
  const id = `${uid}-f${index}`;
  const isConfirm = comp.kind === "confirm";
  const built = isConfirm ? { control: null, read: () => null, focus: null } : (INPUTS[comp.kind] || unsupported)(comp, id);
  const help = p.help_text ? h("div", { class: "inb-rv-help", id: `${id}-help`, text: p.help_text }) : null;
  const error = h("div", { class: "inb-rv-field-error", id: `${id}-error`, hidden: true });
  const labelAttrs = { class: isConfirm ? "inb-rv-label inb-rv-question" : "inb-rv-label", id: `${id}-label` };
  if (!built.group && !isConfirm && built.focus) labelAttrs.for = id;
  const label = h("label", labelAttrs, comp.label);
  const optional = comp.optional ? h("span", { class: "inb-rv-optional", text: "(optional)" }) : null;
  const head = built.inline
    ? h("div", { class: "inb-rv-inline" }, built.control, label, optional)
    : h("div", { class: "inb-rv-label-row" }, label, optional);
  const wrapper = h("div", { class: "inb-rv-field", data }, head, built.inline ? null : built.control, help, error);

  const describer = built.group ? wrapper.querySelector("[role=radiogroup],[role=group]") : built.focus;
  if (describer) {
    describer.setAttribute("aria-describedby", [help && help.id, error.id].filter(Boolean).join(" "));
    if (built.group) describer.setAttribute("aria-labelledby", label.id);
    if (!comp.optional && comp.kind !== "input.boolean") describer.setAttribute("aria-required", "true");
  }
  const field = {
    wrapper, read: built.read, focus: isConfirm ? label : built.focus,
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

function buildPrompt(spec, { send, uid }) {
  const choices = spec.choices || [];
  const comps = spec.components || [];
  const fields = comps.map((c, i) => buildField(c, i, uid));
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

  function setBusy(on) {
    busy = on;
    clearTimeout(timer);
    form.classList.toggle("inb-rv-busy", on);
    form.setAttribute("aria-busy", String(on));
    for (const b of buttons) b.disabled = on;
    checking.textContent = on ? "Checking…" : "";
  }

  function setErrors(s) {
    s.components.forEach((c, i) => fields[i] && fields[i].setError(c.error));
    showAlert(promptError, s.error);
  }

  function submit(submitter) {
    if (busy) return;
    let choice = null;
    const values = fields.map((f) => f.read());
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
    setBusy(true);
    send({ type: "answer", prompt_id: spec.id, values, choice });
    // If the same values are refused again, the kernel's prompt trait does not change (equal
    // dicts are not re-sent), so no update will come: re-enable after a short wait. The long
    // wait only guards against an answer lost on the way (the kernel drops stale answers).
    const repeat = sameJSON(values, comps.map((c, i) => (current.components[i] || c).value)) &&
      (current.error || current.components.some((c) => c.error));
    timer = setTimeout(() => {
      setBusy(false);
      flashErrors();
      if (form.contains(document.activeElement)) focusFirst(true);
    }, repeat ? RESUBMIT_WAIT_MS : LOST_ANSWER_WAIT_MS);
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
    /** The kernel re-sent this prompt: show its errors, keep every typed value. */
    update(s) { current = s; setErrors(s); setBusy(false); },
    /** Enter in a field: submit, unless the buttons are ambiguous (several choices, yes/no). */
    keyboardSubmit() {
      if (busy || spec.exclusive) return;
      if (choices.length > 1) return;
      form.requestSubmit(buttons[0]);
    },
    dispose() { clearTimeout(timer); },
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
  let wantFocus = false;       // a submit happened: the next prompt may take focus
  let logsTouched = false;     // the person opened/closed the log: stop choosing for them
  let transcriptShown = [];    // JSON of each transcript entry on screen (entries only get appended)
  const last = {};             // last value drawn per part, to skip unchanged parts
  let cancelTimer = null;

  // Keys: JupyterLab listens for keydown on document (bubbling). Plain keys must not reach it
  // (Shift+Enter would re-run the cell, a/b/dd/m would edit the notebook); Ctrl/Cmd/Alt combos
  // pass (Ctrl+S must still save). Lab also cancels the browser's implicit submit on Enter in a
  // cell, so Enter submits here.
  root.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.stopPropagation();
    if (ev.key !== "Enter" || ev.isComposing || !form) return;
    const t = ev.target;
    if (t.tagName === "TEXTAREA") {
      if (ev.shiftKey) { ev.preventDefault(); form.keyboardSubmit(); }
      return;                   // plain Enter: a new line
    }
    if (t.tagName !== "INPUT") return;   // buttons, selects, summaries keep their own Enter
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
    if (!prefixKept) { transcriptBox.replaceChildren(); transcriptShown = []; }
    for (let i = transcriptShown.length; i < entries.length; i++) transcriptBox.append(renderTranscriptEntry(entries[i]));
    transcriptShown = strs;
    transcriptBox.hidden = !entries.length;
  }

  function drawPrompt(status, promptChanged) {
    const spec = TERMINAL.has(status) ? null : model.get("prompt");
    if (!spec) {
      if (form) {
        // Keep focus (and so the key guard) in the widget while the run works: on <body>, a key
        // press would reach JupyterLab's command-mode shortcuts.
        if (form.form.contains(document.activeElement)) root.focus({ preventScroll: true });
        form.dispose(); form = null; promptBox.replaceChildren();
      }
      if (TERMINAL.has(status)) wantFocus = false;
      return;
    }
    if (form && form.id === spec.id) { // validation error (or a twin view's answer): update in place
      if (!promptChanged) return;
      const hadFocus = form.busy || focusInside();
      form.update(spec);
      if (hadFocus && (focusInside() || focusFree())) form.focusFirst(true);
      return;
    }
    const takeFocus = focusInside() || (wantFocus && focusFree());
    if (form) form.dispose();
    form = buildPrompt(spec, { uid: `${uid}-${spec.id}`, send: (msg) => { wantFocus = true; model.send(msg); } });
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

  model.on("change", draw);
  draw();
  requestAnimationFrame(applyColorScheme);   // `el` may only be attached to the page after render()
  return () => { if (form) form.dispose(); clearTimeout(cancelTimer); themeWatch.disconnect(); };
}

export default { render };
