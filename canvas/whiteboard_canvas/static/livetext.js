// A text a room's screen shows of the other side, kept live (hand-written, no build): the
// candidate's notes on the interviewer's guide, the interviewer's latest message on the
// candidate's page. The page draws it on each run; in between, the room's watcher
// (watch.js) announces what the other side did ("wb:live", {channel, v, live}) and this
// draws it at once, without waiting for the page's run.
//
// Contract with Python (whiteboard_canvas.live_text, ui/live.py):
//   data = {channel, v, kind, text, step, count, empty, testid}
//     channel: the room's screen ("room:CODE:role"), as the watcher names it;
//     v:       the watched number the page was drawn with; only a newer one replaces it;
//     kind:    "notes" (the candidate's notes on `step`; `empty` when there are none) or
//              "message" (the latest pushed message, `text`, of `count` so far; none: hidden).
// Drawn in the page's own DOM (no shadow root), so it reads as the page's text.

const boxes = new WeakMap(); // parentElement -> one box

function show(box) {
  const { data, shown } = box;
  if (data.kind === "message") {
    const message = shown.message;
    box.root.hidden = !message;
    box.root.dataset.count = String(shown.count);
    box.text.textContent = message ? message.text : "";
    box.root.dataset.kind = message ? message.kind : "";
    return;
  }
  const text = shown.text || "";
  box.text.textContent = text || data.empty || "";
  box.root.classList.toggle("wbl-empty", !text);
}

function take(box, v, live) {
  // the page's run drew a number at least as new: it stands
  if (!live || v <= box.v) return;
  if (box.data.kind === "message") {
    if (typeof live.pushed !== "number") return;
    box.shown = { count: live.pushed, message: live.message };
  } else {
    if (!live.notes) return;
    box.shown = { text: live.notes[box.data.step] || "" };
  }
  box.v = v;
  box.root.dataset.v = String(v);
  box.root.dataset.source = "live"; // drawn from the watcher's announcement (tests read it)
  show(box);
}

export default function liveText(args) {
  const { parentElement, data } = args;
  let box = boxes.get(parentElement);
  if (!box) {
    const root = document.createElement("div");
    root.className = `wbl wbl-${data.kind}`;
    root.dataset.testid = data.testid || "wb-livetext";
    if (data.kind === "message") {
      root.setAttribute("role", "status");
      const label = document.createElement("strong");
      label.textContent = "Your interviewer: ";
      root.appendChild(label);
    }
    const text = document.createElement("span");
    text.className = "wbl-text";
    root.appendChild(text);
    parentElement.appendChild(root);
    box = { root, text };
    box.onLive = (event) => {
      const detail = event.detail || {};
      if (detail.channel === box.data.channel) take(box, Number(detail.v), detail.live);
    };
    window.addEventListener("wb:live", box.onLive);
    box.cleanup = () => {
      window.removeEventListener("wb:live", box.onLive);
      root.remove();
      boxes.delete(parentElement);
    };
    boxes.set(parentElement, box);
  }
  box.data = data;
  // what the page drew, unless the watcher already brought something newer
  if (box.v === undefined || Number(data.v) >= box.v) {
    box.v = Number(data.v);
    box.shown = data.kind === "message" ? { count: data.count, message: data.text ? { kind: data.messageKind, text: data.text } : null } : { text: data.text };
    box.root.dataset.v = String(box.v);
    box.root.dataset.source = "page";
    show(box);
  }
  const known = window.__wbLive && window.__wbLive[data.channel];
  if (known) take(box, Number(known.v), known.live);
  return () => box.cleanup();
}
