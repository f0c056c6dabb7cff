// Launcher: a searchable grid of action cards (interval_nb `actions.show()`).
// Traits: `title` (str) and `actions` ([{slug, name, description}]). Clicking Run sends
// `{type: "start", slug}`; the kernel starts the run, shows its RunView below the cards and
// answers `{type: "started", slug}`, which gives the button back (so a double click cannot
// start two runs, and the button never stays "Starting…" longer than the start takes).
// Plain DOM, no imports. CSS is global in anywidget, so every class is `inb-launcher…`.

const START_TIMEOUT_MS = 5000;    // no "started" from the kernel by then: let the person retry

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "data") Object.assign(node.dataset, value);
    else if (["value", "disabled", "hidden"].includes(key)) node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// Voilà: end the page's kernel when the page goes away (Voilà 0.5 leaks it, voila#1458).
// Voilà's own `beforeunload` beacon, `POST voila/api/shutdown/<kernel>`, carries the `_xsrf` cookie
// as a form field; but Voilà streams its page, so the cookie it sets while rendering never reaches
// the browser, the field is empty and the server answers 403. Tornado's XSRF check only compares
// that field with that cookie, so a random token of ours in the cookie (path = the server's base
// URL, where jupyter_server puts its own) makes Voilà's beacon pass; an existing cookie is kept.
// When the browser skips `beforeunload` (it may, e.g. on mobile), we send the same shutdown on
// `pagehide` with the token as `X-XSRFToken`. Once per page however many launchers it shows, and
// only in Voilà pages (`<body data-voila>` and a `kernelId` in the page config): in JupyterLab and
// Notebook, kernels outlive their tabs on purpose.
const VOILA_HOOK = Symbol.for("interval_nb.voilaKernelShutdown");

function voilaPageConfig() {
  if (!document.body || document.body.dataset.voila !== "voila") return null;
  try {
    const config = JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "");
    return typeof config.kernelId === "string" && config.kernelId && typeof config.baseUrl === "string" ? config : null;
  } catch {
    return null;
  }
}

function ensureXsrfCookie(baseUrl) {
  const found = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]+)/);
  if (found) return decodeURIComponent(found[1]);
  const token = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  document.cookie = `_xsrf=${token}; path=${baseUrl}; SameSite=Lax`;
  return token;
}

export function shutdownVoilaKernelOnClose() {
  if (window[VOILA_HOOK]) return;
  const config = voilaPageConfig();
  if (!config) return;
  window[VOILA_HOOK] = config.kernelId;
  ensureXsrfCookie(config.baseUrl);
  let voilaSent = false;  // Voilà's beacon goes on `beforeunload`: then ours would be a second one
  window.addEventListener("beforeunload", () => { voilaSent = true; });
  window.addEventListener("pagehide", (ev) => {
    if (voilaSent || ev.persisted) return;  // persisted: kept in the back/forward cache, may return
    const url = `${config.baseUrl}voila/api/shutdown/${encodeURIComponent(config.kernelId)}`;
    const headers = { "X-XSRFToken": ensureXsrfCookie(config.baseUrl) };
    fetch(url, { method: "POST", keepalive: true, credentials: "same-origin", headers }).catch(() => {});
  });
}

function render({ model, el }) {
  shutdownVoilaKernelOnClose();
  const heading = h("h2", { class: "inb-launcher-title" });
  const count = h("span", { class: "inb-launcher-count" });
  const search = h("input", {
    type: "search", class: "inb-launcher-search", placeholder: "Search actions…",
    "aria-label": "Search actions", autocomplete: "off", spellcheck: "false",
  });
  const grid = h("div", { class: "inb-launcher-grid", role: "list" });
  const empty = h("div", { class: "inb-launcher-empty", hidden: true });
  const root = h("div", { class: "inb-launcher" },
    h("div", { class: "inb-launcher-header" }, h("div", { class: "inb-launcher-heading" }, heading, count), search),
    grid, empty);
  el.append(root);
  let cards = [];
  const timers = new Set();

  function ready(btn) {
    btn.disabled = false;
    btn.textContent = "Run";
  }

  function start(slug, btn) {
    btn.disabled = true;
    btn.textContent = "Starting…";
    model.send({ type: "start", slug });
    const t = setTimeout(() => { timers.delete(t); ready(btn); }, START_TIMEOUT_MS);
    timers.add(t);
  }

  const onCustom = (msg) => {
    if (!msg || msg.type !== "started") return;
    for (const c of cards) if (c.slug === msg.slug) ready(c.run);
  };

  function card(action) {
    const name = String(action.name ?? action.slug ?? "");
    const description = String(action.description ?? "");
    const run = h("button", { type: "button", class: "inb-launcher-run", text: "Run", data: { slug: action.slug, action: "start" },
      "aria-label": `Run ${name}` });
    run.addEventListener("click", () => start(action.slug, run));
    const node = h("div", { class: "inb-launcher-card", role: "listitem", data: { slug: action.slug } },
      h("div", { class: "inb-launcher-name", text: name }),
      h("div", { class: description ? "inb-launcher-desc" : "inb-launcher-desc inb-launcher-desc-none", text: description || "No description." }),
      h("div", { class: "inb-launcher-foot" }, run));
    return { node, slug: action.slug, search: `${name} ${description} ${action.slug ?? ""}`.toLowerCase(), run };
  }

  function filter() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const c of cards) {
      c.node.hidden = !words.every((w) => c.search.includes(w));
      if (!c.node.hidden) shown += 1;
    }
    empty.hidden = shown > 0;
    empty.textContent = cards.length ? `No actions match “${search.value.trim()}”.` : "No actions yet.";
    count.textContent = words.length ? `${shown} of ${cards.length}` : `${cards.length} action${cards.length === 1 ? "" : "s"}`;
    search.hidden = cards.length === 0;
  }

  function draw() {
    heading.textContent = model.get("title") || "Actions";
    cards = (model.get("actions") || []).map(card);
    grid.replaceChildren(...cards.map((c) => c.node));
    filter();
  }

  search.addEventListener("input", filter);
  // Plain keys must not reach JupyterLab (Shift+Enter would re-run the cell, a/b/dd edit the
  // notebook); Ctrl/Cmd/Alt combos pass. Enter in the search box moves to the first match's Run.
  root.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.stopPropagation();
    if (ev.key === "Enter" && ev.target === search && !ev.isComposing) {
      ev.preventDefault();
      const first = cards.find((c) => !c.node.hidden);
      if (first) first.run.focus();
    }
  });

  // Native controls follow `color-scheme`: take it from Lab/Voilà's body[data-jp-theme-light], else
  // from the lightness of our own background (other hosts).
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
  model.on("msg:custom", onCustom);
  draw();
  requestAnimationFrame(applyColorScheme);
  return () => {
    for (const t of timers) clearTimeout(t);
    themeWatch.disconnect();
    if (typeof model.off === "function") model.off("msg:custom", onCustom);
  };
}

export default { render };
