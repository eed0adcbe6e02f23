// A room's watcher: polls the server's /api/room-watch for one integer and asks the page
// to run again only when it moved (hand-written, no build).
//
// Contract with Python (whiteboard_canvas.room_watch, ui/live.py):
//   data    = {path, room, key, seen, boot, intervalMs}: `seen` is the number the page
//             was drawn with, `boot` the server process that drew it; the browser polls
//             `path` every `intervalMs` and gets {v, boot}.
//   trigger = moved: the new number, sent once per number (again after 2.5 s if no run
//             came back with it); the page's run that follows draws what changed and
//             sends a new `seen`.
// A quiet room costs one small HTTP request per poll and no script run. A failed poll
// (a replica restarting, a network blip) is retried on the next tick.

const watchers = new WeakMap(); // parentElement -> one watcher
const ASK_AGAIN_MS = 2500;
const FETCH_TIMEOUT_MS = 3000;

function count(watcher, name) {
  // what the watcher did, readable in the page (data-polls, data-asks, data-errors)
  watcher.root.dataset[name] = String(Number(watcher.root.dataset[name] || 0) + 1);
}

async function poll(watcher) {
  const { data } = watcher;
  if (!data || watcher.busy) return;
  watcher.busy = true;
  // a request that never answers (a replica that died mid-reply) must not stop the polling
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
  count(watcher, "polls");
  try {
    const url = new URL(data.path, window.location.origin);
    url.searchParams.set("room", data.room);
    url.searchParams.set("key", data.key);
    const response = await fetch(url, {
      cache: "no-store",
      credentials: "same-origin",
      signal: abort.signal,
    });
    if (!response.ok) {
      count(watcher, "errors");
      return;
    }
    const body = await response.json();
    const value = Number(body.v);
    if (!Number.isFinite(value)) return;
    watcher.root.dataset.latest = String(value);
    // another server process answers: the one that drew this page died and the browser
    // reconnected elsewhere; a run there draws the page from the database
    const moved = value !== watcher.data.seen || (body.boot && body.boot !== watcher.data.boot);
    // ask once per number, and again if no run came back with it within ASK_AGAIN_MS
    // (a request lost on the way, a replica that died while running it)
    const now = performance.now();
    if (moved && (value !== watcher.asked || now - watcher.askedAt > ASK_AGAIN_MS)) {
      watcher.asked = value;
      watcher.askedAt = now;
      count(watcher, "asks");
      watcher.setTriggerValue("moved", value);
    }
  } catch {
    count(watcher, "errors"); // the next tick tries again
  } finally {
    clearTimeout(timeout);
    watcher.busy = false;
  }
}

export default function watch(args) {
  const { parentElement, data, setTriggerValue } = args;
  let watcher = watchers.get(parentElement);
  if (!watcher) {
    const root = document.createElement("div");
    root.dataset.testid = "wb-room-watch";
    root.hidden = true;
    parentElement.appendChild(root);
    watcher = { root, asked: null, askedAt: 0, busy: false };
    watcher.cleanup = () => {
      clearInterval(watcher.timer);
      root.remove();
      watchers.delete(parentElement);
    };
    watchers.set(parentElement, watcher);
  }
  const interval = Math.max(100, Number(data.intervalMs) || 400);
  if (watcher.interval !== interval) {
    clearInterval(watcher.timer);
    watcher.interval = interval;
    watcher.timer = setInterval(() => poll(watcher), interval);
  }
  if (!watcher.data || watcher.data.seen !== data.seen) watcher.asked = null;
  watcher.data = data;
  watcher.setTriggerValue = setTriggerValue;
  watcher.root.dataset.seen = String(data.seen);
  return () => watcher.cleanup();
}
