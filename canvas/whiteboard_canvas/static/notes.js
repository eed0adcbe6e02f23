// The whiteboard's notes box: a text area that saves while you type (hand-written, no build).
//
// Contract with Python (whiteboard_canvas.notes_box, ui/practice.py):
//   data  = {boxKey, text, rev, saved, label, placeholder, help, maxChars, disabled, height}
//           rev: changes only when Python pushes a text of its own (another tab's, a new
//           session); the box then replaces what it shows, unless the user has typed since
//           their last send (their text wins and is sent). Any other data.text is Python's
//           echo of an older send and is never written into the box.
//           pending/storedText: this step's text waits for a save that failed (a box
//           mounted again then starts as "not saved", and storedText is what is stored).
//           saved: the seq of the last send Python stored; unsaved: why the last save
//           failed ("" once one goes through). "Saved" is shown only when saved reaches the
//           last send; a failing save shows its reason until then, is tried again every
//           10 s, and closing the tab asks first (beforeunload).
//   state = text: {seq, text, base}, base being the stored text the typing started from
//           (Python merges when the notes changed since), sent 700 ms after the last keystroke, and at once on blur,
//           Ctrl+Enter, page hide and unload. Each send is one rerun, so never per key.
//           Not stored within 2.5 s, it goes again with the same seq (and an `attempt`).
// A draft of unsent text is kept in localStorage (per box) until Python stores it, so a
// reload that beats the send still brings the text back. A draft typed on a text that has
// changed since (another tab saved, the server refused it until the tab closed) is not
// thrown away: the box offers it back ("Restore it" sends it with the text it was typed on,
// and Python's three-way merge keeps both sides; "Discard" forgets it).

const DEBOUNCE_MS = 700;
const RESEND_MS = 2500;
const MAX_RESENDS = 5;
const SLOW_RESEND_MS = 10000;
const boxes = new WeakMap(); // parentElement -> one box's state; the function reruns on every data change

function draftKey(boxKey) {
  return `whiteboard-notes-draft:${boxKey}`;
}

function readDraft(boxKey) {
  try {
    return JSON.parse(window.localStorage.getItem(draftKey(boxKey)) || "null");
  } catch {
    return null;
  }
}

function writeDraft(boxKey, draft) {
  try {
    if (draft) window.localStorage.setItem(draftKey(boxKey), JSON.stringify(draft));
    else window.localStorage.removeItem(draftKey(boxKey));
  } catch {
    // private mode or a full quota: the debounced send still saves
  }
}

function build(parentElement, box) {
  const root = document.createElement("div");
  root.className = "wbn";
  const id = `wbn-${Math.random().toString(36).slice(2, 10)}`;
  root.innerHTML = `
    <label class="wbn-label" for="${id}"></label>
    <textarea class="wbn-area" id="${id}" spellcheck="true" aria-describedby="${id}-help ${id}-status"></textarea>
    <div class="wbn-foot">
      <span class="wbn-help" id="${id}-help"></span>
      <span class="wbn-status" id="${id}-status" data-testid="wbn-status"></span>
    </div>`;
  parentElement.appendChild(root);
  box.root = root;
  box.area = root.querySelector("textarea");
  box.status = root.querySelector(".wbn-status");
  box.area.addEventListener("input", () => {
    box.dirty = true;
    writeDraft(box.key, { base: box.serverText, text: box.area.value, at: Date.now() });
    showStatus(box);
    clearTimeout(box.timer);
    box.timer = setTimeout(() => send(box), DEBOUNCE_MS);
  });
  box.area.addEventListener("blur", () => send(box));
  box.area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) send(box);
  });
  box.onHide = () => {
    if (document.visibilityState === "hidden") send(box);
  };
  box.onUnload = (event) => {
    send(box);
    // Typed but not yet stored (a save on its way, or failing): ask before the tab closes.
    // The draft in localStorage keeps the text either way.
    if (event?.type === "beforeunload" && !box.disabled && box.saved < box.pendingSeq) {
      event.preventDefault();
      event.returnValue = "";
    }
  };
  document.addEventListener("visibilitychange", box.onHide);
  window.addEventListener("pagehide", box.onUnload);
  window.addEventListener("beforeunload", box.onUnload);
}

function offerDraft(box, draft) {
  const bar = document.createElement("div");
  bar.className = "wbn-offer";
  bar.dataset.testid = "wbn-offer";
  bar.setAttribute("role", "alert");
  bar.innerHTML = `<span class="wbn-offer-text"></span>
    <button type="button" class="wbn-restore">Restore it</button>
    <button type="button" class="wbn-discard">Discard</button>`;
  const when = draft.at ? ` at ${new Date(draft.at).toLocaleString()}` : "";
  bar.querySelector(".wbn-offer-text").textContent =
    `Text typed in this browser${when} was never saved ` +
    `(${draft.text.length.toLocaleString("en")} characters). Restore it to merge it with ` +
    "the notes stored since, or discard it.";
  box.root.insertBefore(bar, box.area);
  bar.querySelector(".wbn-restore").addEventListener("click", () => {
    send(box); // anything typed since opening goes first
    if (!box.dirty && box.saved >= box.pendingSeq) box.area.value = draft.text;
    box.seq += 1;
    box.pendingSeq = box.seq;
    box.sentText = draft.text;
    box.sentBase = draft.base;
    box.retries = 0;
    writeDraft(box.key, { base: draft.base, text: draft.text, at: draft.at });
    box.setStateValue("text", { seq: box.seq, text: draft.text, base: draft.base });
    watchSave(box);
    bar.remove();
    showStatus(box);
  });
  bar.querySelector(".wbn-discard").addEventListener("click", () => {
    if (!box.dirty) writeDraft(box.key, null);
    bar.remove();
  });
}

function send(box) {
  clearTimeout(box.timer);
  box.timer = null;
  if (!box.dirty || box.disabled) return;
  box.dirty = false;
  // typed on: the stored text, or this box's own send still on its way (sends are taken
  // in order, so the server holds it by the time this one arrives)
  const base = box.saved < box.pendingSeq ? box.sentText : box.serverText;
  box.seq += 1;
  box.pendingSeq = box.seq;
  box.sentText = box.area.value;
  box.sentBase = base;
  box.root.dataset.sent = String(box.seq);
  box.retries = 0;
  box.setStateValue("text", { seq: box.seq, text: box.area.value, base });
  watchSave(box);
  showStatus(box);
}

// Watchdog: a send the server has not stored within RESEND_MS (the request lost on the way,
// a replica that died with it) goes again, the same seq, so a copy that did arrive is
// taken once. `attempt` only makes the value differ, so it is sent at all.
function watchSave(box) {
  clearTimeout(box.resendTimer);
  // after MAX_RESENDS quick tries, a save the server keeps failing (a full disk, a database
  // that is down) is tried again every SLOW_RESEND_MS for as long as the box is open
  const wait = box.retries >= MAX_RESENDS ? SLOW_RESEND_MS : RESEND_MS;
  box.resendTimer = setTimeout(() => {
    if (box.saved >= box.pendingSeq || !box.root.isConnected) return;
    if (box.retries >= MAX_RESENDS && !box.unsaved) return;
    box.retries += 1;
    box.root.dataset.resent = String(Number(box.root.dataset.resent || 0) + 1);
    box.setStateValue("text", {
      seq: box.pendingSeq,
      text: box.sentText,
      base: box.sentBase,
      attempt: box.retries,
    });
    watchSave(box);
  }, wait);
}

function showStatus(box) {
  const count = box.area.value.length;
  const counter = `${count.toLocaleString("en")} / ${box.maxChars.toLocaleString("en")}`;
  let state = "saved";
  if (box.disabled) state = "read-only";
  else if (box.dirty) state = "typing";
  else if (box.saved < box.pendingSeq && box.unsaved) state = "failed";
  else if (box.saved < box.pendingSeq) state = "saving";
  box.root.dataset.state = state;
  const reason = box.unsaved.length > 140 ? `${box.unsaved.slice(0, 139)}…` : box.unsaved;
  const words = {
    saved: "Saved",
    typing: "Not saved yet",
    saving: "Saving…",
    failed: `Not saved: ${reason} Your text stays here and in this browser; trying again.`,
    "read-only": "Read-only",
  }[state];
  box.status.textContent = `${words} · ${counter}`;
}

export default function notes(args) {
  const { parentElement, data, setStateValue } = args;
  let box = boxes.get(parentElement);
  if (box && box.key !== data.boxKey) {
    send(box); // the element now shows another box: what was typed goes out first
    box.cleanup();
    box = null;
  }
  if (!box) {
    const saved = Number(data.saved) || 0; // a remount in the same session counts on
    box = {
      key: data.boxKey,
      rev: null,
      seq: saved,
      pendingSeq: saved,
      saved,
      dirty: false,
      timer: null,
      serverText: "",
      unsaved: "",
    };
    build(parentElement, box);
    box.cleanup = () => {
      try {
        send(box); // unmounted with text not yet sent (the draft keeps it too)
      } catch {
        // the element is gone: the draft brings the text back on the next mount
      }
      clearTimeout(box.resendTimer);
      document.removeEventListener("visibilitychange", box.onHide);
      window.removeEventListener("pagehide", box.onUnload);
      window.removeEventListener("beforeunload", box.onUnload);
      box.root.remove();
      boxes.delete(parentElement);
    };
    boxes.set(parentElement, box);
  }
  box.setStateValue = setStateValue;
  box.maxChars = data.maxChars;
  box.unsaved = data.unsaved || "";
  box.disabled = !!data.disabled;
  box.saved = Math.max(box.saved, Number(data.saved) || 0);
  box.root.dataset.saved = String(box.saved);
  box.root.querySelector(".wbn-label").textContent = data.label;
  box.root.querySelector(".wbn-help").textContent = data.help || "";
  box.area.placeholder = data.placeholder || "";
  box.area.maxLength = data.maxChars;
  box.area.readOnly = box.disabled;
  box.area.setAttribute("aria-readonly", String(box.disabled));
  box.area.style.height = `${data.height}px`;

  if (box.rev !== data.rev) {
    const first = box.rev === null;
    box.rev = data.rev;
    if (first) {
      box.serverText = data.text;
      // a reload that beat the last send: the draft typed on top of this very text wins
      const draft = readDraft(box.key);
      const unsent = draft && typeof draft.text === "string" && draft.text !== data.text;
      if (unsent && draft.base === data.text && !box.disabled) {
        box.area.value = draft.text;
        box.dirty = true;
        send(box);
      } else if (unsent && !box.disabled && typeof draft.base === "string") {
        box.area.value = data.text; // what is stored, and the draft offered beside it
        offerDraft(box, draft);
      } else if (data.pending && !box.disabled) {
        // mounted again while its text waits for a save that failed: still not "Saved",
        // kept in this browser, and sent again until the store takes it
        box.area.value = data.text;
        box.serverText = data.storedText || "";
        box.seq = box.saved + 1;
        box.pendingSeq = box.seq;
        box.sentText = data.text;
        box.sentBase = box.serverText;
        box.retries = 0;
        writeDraft(box.key, { base: box.serverText, text: data.text, at: Date.now() });
        watchSave(box);
      } else {
        writeDraft(box.key, null);
        box.area.value = data.text;
      }
    } else if (!box.dirty && box.saved >= box.pendingSeq) {
      box.area.value = data.text; // Python's own text (another tab's, a merge)
      box.serverText = data.text;
    } else {
      // typed since: this tab's text goes out now, with the text it was typed on as its
      // base, so Python keeps what the other tab added too and sends the result back
      box.dirty = true;
      send(box);
    }
  }
  if (!box.dirty && box.saved >= box.pendingSeq && box.pendingSeq > 0) {
    box.serverText = box.area.value; // stored: what the next typing starts from
    writeDraft(box.key, null);
  } else if (box.saved >= box.pendingSeq && box.pendingSeq > 0 && box.sentText !== undefined) {
    // typing on, and the last send is stored: the store holds that text, so the next
    // send names it as its base (never a text older than what this box itself stored)
    box.serverText = box.sentText;
  }
  showStatus(box);
  return () => box.cleanup();
}
