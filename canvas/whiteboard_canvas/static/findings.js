// The whiteboard's rubric findings as one element (hand-written, no build).
//
// Contract with Python (ui/widgets.py, board_findings):
//   data = {score, counts: {fail, warn, pass}, dark,
//           groups: [{id, title, worst, items: [{rule, title, status, message, nodes, hint,
//                                                tables: [{columns, right, rows}], show}]}],
//           skipped: [{rule, message}], boardKey, revision}
//   window event "wb:answer" = {boardKey, revision, findings}: the board's direct route
//           answered a change (canvas/frontend/src/index.jsx); the list draws the newest of
//           that and Python's data, by the session revision each was drawn at.
//   trigger "show" = {ids}   the user asked to see a finding's nodes on the board, sent only
//           when no board of the page took the window event "wb:select" {boardKey, ids}
// Drawn as one component, not thirty Streamlit elements: the list is redrawn on every
// change on the board, and each element cost the browser a render (bench/browser_canvas.py).
// Which groups are open is the browser's business: a group starts open when it fails or
// warns, keeps what the user chose, and opens again when its worst status changes.

const lists = new WeakMap(); // parentElement -> {root, open: Map(group id -> [worst, open])}

const ICON = { fail: "✕", warn: "!", pass: "✓", skipped: "–", waiting: "○" };
const LABEL = {
  fail: "failing",
  warn: "warning",
  pass: "passing",
  skipped: "not checked",
  waiting: "not drawn yet",
};

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The rules write Markdown: `code`, **bold**, backslash escapes, and sometimes a [link](url),
// drawn as its text. Everything is HTML-escaped first, so a label typed by the user stays text.
function inline(text) {
  const codes = [];
  let html = esc(String(text ?? "").replace(/&lt;/g, "<"))
    .replace(/`([^`]+)`/g, (_, code) => `\u0000${codes.push(code) - 1}\u0000`)
    .replace(/\\([\\`*_{}\[\]()#+\-.!|~>])/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/-&#62;/g, "→") // as Streamlit's Markdown draws an arrow
    .replace(/ {2}\n|\n/g, "<br>");
  html = html.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)].replace(/\\(.)/g, "$1")}</code>`);
  return html;
}

function tableHtml(t) {
  const right = new Set(t.right || []);
  const head = t.columns.map((c) => `<th${right.has(c) ? ' class="r"' : ""}>${esc(c)}</th>`).join("");
  const body = t.rows
    .map((row) => `<tr>${t.columns.map((c, i) => `<td${right.has(c) ? ' class="r"' : ""}>${inline(row[i])}</td>`).join("")}</tr>`)
    .join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function itemHtml(f) {
  const parts = [
    `<div class="wbf-head"><span class="wbf-icon" data-status="${esc(f.status)}" aria-label="${esc(LABEL[f.status] || f.status)}">${ICON[f.status] || ""}</span>
      <strong>${inline(f.title || f.rule)}</strong> <code>${esc(f.rule)}</code></div>`,
    `<div class="wbf-message">${inline(f.message)}</div>`,
  ];
  if (f.nodes && f.nodes.length && (f.status === "fail" || f.status === "warn")) {
    parts.push(`<div class="wbf-small">Nodes at fault: ${f.nodes.map((n) => `<code>${esc(n)}</code>`).join(", ")}</div>`);
  }
  if (f.hint && (f.status === "fail" || f.status === "warn")) {
    parts.push(`<div class="wbf-small wbf-hint">${inline(f.hint)}</div>`);
  }
  for (const t of f.tables || []) parts.push(tableHtml(t));
  if (f.show) {
    parts.push(`<button type="button" class="wbf-show" data-nodes="${esc(JSON.stringify(f.nodes))}">Show on the board</button>`);
  }
  return `<div class="wbf-item" data-rule="${esc(f.rule)}" data-status="${esc(f.status)}">${parts.join("")}</div>`;
}

function render(entry, data) {
  const c = data.counts || {};
  const groups = (data.groups || []).map((g) => {
    const kept = entry.open.get(g.id);
    const open = kept && kept[0] === g.worst ? kept[1] : g.worst === "fail" || g.worst === "warn";
    entry.open.set(g.id, [g.worst, open]);
    return `<details class="wbf-group" data-group="${esc(g.id)}" data-worst="${esc(g.worst)}"${open ? " open" : ""}>
      <summary><span class="wbf-icon" data-status="${esc(g.worst)}">${ICON[g.worst] || ""}</span> ${esc(g.title)}</summary>
      ${g.items.map(itemHtml).join("")}</details>`;
  });
  if (data.waiting && data.waiting.length) {
    // checks about parts not started yet: grey, closed, never a failure (coached practice)
    const id = "__waiting";
    const kept = entry.open.get(id);
    const open = kept ? kept[1] : false;
    entry.open.set(id, ["waiting", open]);
    groups.push(`<details class="wbf-group" data-group="${id}"${open ? " open" : ""}>
      <summary><span class="wbf-icon" data-status="waiting">${ICON.waiting}</span> Not drawn yet (${data.waiting.length})</summary>
      ${data.waiting.map((f) => `<div class="wbf-item wbf-small" data-rule="${esc(f.rule)}" data-status="waiting"><code>${esc(f.rule)}</code>: ${inline(f.message)}</div>`).join("")}</details>`);
  }
  if (data.skipped && data.skipped.length) {
    const id = "__skipped";
    const kept = entry.open.get(id);
    const open = kept ? kept[1] : false;
    entry.open.set(id, ["skipped", open]);
    groups.push(`<details class="wbf-group" data-group="${id}"${open ? " open" : ""}>
      <summary><span class="wbf-icon" data-status="skipped">${ICON.skipped}</span> Not checked (${data.skipped.length})</summary>
      ${data.skipped.map((f) => `<div class="wbf-item wbf-small"><code>${esc(f.rule)}</code>: ${inline(f.message)}</div>`).join("")}</details>`);
  }
  entry.root.className = `wbf${data.dark ? " wbf-dark" : ""}`;
  const score =
    data.score === null || data.score === undefined
      ? "<strong>Rubric: nothing drawn to check yet</strong>"
      : `<strong>Rubric score ${esc(data.score)}/100</strong>`;
  const waiting = c.waiting ? ` · ${c.waiting} waiting` : "";
  entry.root.innerHTML = `<div class="wbf-score">${score} · ${c.fail ?? 0} failing · ${c.warn ?? 0} warnings · ${c.pass ?? 0} passing${waiting}</div>${groups.join("")}`;
}

export default function findings({ parentElement, data, setTriggerValue }) {
  let entry = lists.get(parentElement);
  if (!entry) {
    const root = document.createElement("div");
    root.dataset.testid = "wb-findings";
    parentElement.appendChild(root);
    entry = { root, open: new Map(), answer: null };
    lists.set(parentElement, entry);
    entry.onAnswer = (event) => {
      const { boardKey, revision, findings: answered } = event.detail || {};
      const data = entry.data;
      if (!data || !data.boardKey || boardKey !== data.boardKey || !answered) return;
      if ((data.revision ?? -1) >= revision || (entry.answer && entry.answer.revision >= revision)) return;
      entry.answer = { revision };
      render(entry, { ...answered, dark: data.dark });
      root.dataset.revision = String(revision);
    };
    window.addEventListener("wb:answer", entry.onAnswer);
    root.addEventListener("toggle", (event) => {
      const group = event.target.closest?.("details[data-group]");
      if (!group) return;
      const kept = entry.open.get(group.dataset.group);
      entry.open.set(group.dataset.group, [kept ? kept[0] : group.dataset.worst, group.open]);
    }, true);
    root.addEventListener("click", (event) => {
      const button = event.target.closest?.(".wbf-show");
      if (!button) return;
      const ids = JSON.parse(button.dataset.nodes || "[]");
      // the board of this page selects them itself; without one, the page run does
      const asked = new CustomEvent("wb:select", { detail: { boardKey: entry.data?.boardKey, ids }, cancelable: true });
      if (window.dispatchEvent(asked)) entry.trigger?.("show", { ids });
    });
  }
  entry.trigger = setTriggerValue;
  entry.data = data;
  if (!entry.answer || (data.revision ?? -1) >= entry.answer.revision) {
    entry.answer = null;
    render(entry, data);
    entry.root.dataset.revision = String(data.revision ?? -1);
  }
  return () => {
    window.removeEventListener("wb:answer", entry.onAnswer);
    lists.delete(parentElement);
  };
}
