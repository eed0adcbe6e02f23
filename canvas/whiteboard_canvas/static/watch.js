// A watcher: polls a server route for one integer and asks the page to run again only
// when it moved (hand-written, no build). A room's watcher polls /api/room-watch
// (whiteboard_canvas.room_watch, ui/live.py); a session's, /api/session-watch (ui/state.py).
//
// Contract with Python:
//   data    = {path, query, seen, boot, intervalMs, retryMs, waitMs}: `seen` is the number the page
//             was drawn with, `boot` the server process that drew it; the browser polls
//             `path` with `query` (or the older {room, key}) every `intervalMs` and gets
//             {v, boot, own}. `own`, where given, is a number this tab wrote itself: not a
//             move. `retryMs`, where given, asks for a run that often whatever the number
//             (a save that failed is tried again without waiting for the user). `waitMs`,
//             where given, makes each poll a long poll (`seen` and `wait=1` sent: the
//             server answers when the number moves, or after up to waitMs) and the next one
//             starts as soon as it answers; the interval's polls remain the fallback.
//   trigger = moved: the new number, sent once per number (again after 2.5 s if no run
//             came back with it); the page's run that follows draws what changed and
//             sends a new `seen`. A retry sends -(count): never a number the route gives.
//   live    = where given ({channel}), the route's answer carries what the
//             screen shows of the other side (ui/room_live.py); each new one is announced
//             at once as the window event "wb:live" ({channel, v, live}) and kept in
//             window.__wbLive[channel], and the board, the notes, the clock and the
//             interviewer's messages draw it (canvas, livetext.js, clock.js) without a run.
//   defer   = where true (a room's pages), the run a move asks for waits while the page is
//             running a script (its own click's run, say, which a new run would cut short),
//             and is not asked at all if that run came back with the number: the page's
//             own change, not the other side's. A session's watcher asks at once (its own
//             saves come back as `own`; a run asked later landed on the user's next click).
// A quiet room costs one small HTTP request per poll and no script run. A failed poll
// (a replica restarting, a network blip) is retried on the next tick.

const watchers = new WeakMap(); // parentElement -> one watcher
const ASK_AGAIN_MS = 2500;
const FETCH_TIMEOUT_MS = 3000;
const LONG_POLL_GAP_MS = 20; // between two long polls: never a tight loop
const IDLE_LOOK_MS = 50;
const IDLE_WAIT_MS = 3000; // a run still going after this long is not the click's: ask anyway

function scriptRunning() {
  // Streamlit marks its app with the script's state (the attribute its own tests read)
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testScriptState === "running";
}

function announce(watcher, value, live) {
  const channel = watcher.data.live && watcher.data.live.channel;
  if (!channel || !live) return;
  window.__wbLive = window.__wbLive || {};
  const known = window.__wbLive[channel];
  if (known && known.v >= value) return;
  window.__wbLive[channel] = { v: value, live };
  watcher.root.dataset.liveV = String(value);
  window.dispatchEvent(new CustomEvent("wb:live", { detail: { channel, v: value, live } }));
}

// Ask for a run once the page is not running one, unless that run drew this number.
function askWhenIdle(watcher, value, otherServer, since = performance.now()) {
  clearTimeout(watcher.idleTimer);
  if (!watcher.root.isConnected) return;
  if (!watcher.data.defer) {
    count(watcher, "asks");
    watcher.setTriggerValue("moved", value);
    return;
  }
  if (scriptRunning() && performance.now() - since < IDLE_WAIT_MS) {
    watcher.idleTimer = setTimeout(() => askWhenIdle(watcher, value, otherServer, since), IDLE_LOOK_MS);
    return;
  }
  if (!otherServer && value === watcher.data.seen) return; // the page's own change
  count(watcher, "asks");
  watcher.setTriggerValue("moved", value);
}

function count(watcher, name) {
  // what the watcher did, readable in the page (data-polls, data-asks, data-errors)
  watcher.root.dataset[name] = String(Number(watcher.root.dataset[name] || 0) + 1);
}

async function poll(watcher) {
  const { data } = watcher;
  if (!data || watcher.busy) return;
  watcher.busy = true;
  // a request that never answers (a replica that died mid-reply) must not stop the polling
  const long = Number(data.waitMs) > 0;
  const abort = new AbortController();
  const timeout = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS + (long ? Number(data.waitMs) : 0));
  count(watcher, "polls");
  try {
    const url = new URL(data.path, window.location.origin);
    const query = data.query || { room: data.room, key: data.key };
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    if (data.live) url.searchParams.set("live", "1");
    if (long) {
      // wait for a number other than the latest seen (asked already or drawn)
      const latest = watcher.asked ?? data.seen;
      url.searchParams.set("seen", String(latest));
      url.searchParams.set("wait", "1");
    }
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
    if (body.live) announce(watcher, value, body.live);
    // another server process answers: the one that drew this page died and the browser
    // reconnected elsewhere; a run there draws the page from the database
    const mine = body.own !== undefined && body.own !== null && value === Number(body.own);
    const otherServer = !!body.boot && body.boot !== watcher.data.boot;
    const moved = (value !== watcher.data.seen && !mine) || otherServer;
    // ask once per number, and again if no run came back with it within ASK_AGAIN_MS
    // (a request lost on the way, a replica that died while running it)
    const now = performance.now();
    if (moved && (value !== watcher.asked || now - watcher.askedAt > ASK_AGAIN_MS)) {
      watcher.asked = value;
      watcher.askedAt = now;
      askWhenIdle(watcher, value, otherServer);
    }
  } catch {
    count(watcher, "errors"); // the next tick tries again
    watcher.failedAt = performance.now();
  } finally {
    clearTimeout(timeout);
    watcher.busy = false;
  }
  // long polls follow each other; after a failure the interval's plain polls take over
  // until one succeeds again
  if (long && watcher.root.isConnected && performance.now() - (watcher.failedAt || 0) > 2000) {
    setTimeout(() => poll(watcher), LONG_POLL_GAP_MS);
  }
}

export default function watch(args) {
  const { parentElement, data, setTriggerValue } = args;
  let watcher = watchers.get(parentElement);
  if (!watcher) {
    const root = document.createElement("div");
    root.dataset.testid = data.testid || "wb-room-watch";
    root.hidden = true;
    parentElement.appendChild(root);
    watcher = { root, asked: null, askedAt: 0, busy: false };
    watcher.cleanup = () => {
      clearInterval(watcher.timer);
      clearInterval(watcher.retryTimer);
      clearTimeout(watcher.idleTimer);
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
  const retry = Number(data.retryMs) || 0;
  if (watcher.retry !== retry) {
    clearInterval(watcher.retryTimer);
    watcher.retry = retry;
    watcher.retryTimer = retry
      ? setInterval(() => {
          watcher.retries = (watcher.retries || 0) + 1;
          count(watcher, "retries");
          watcher.setTriggerValue("moved", -watcher.retries);
        }, Math.max(1000, retry))
      : null;
  }
  watcher.data = data;
  watcher.setTriggerValue = setTriggerValue;
  watcher.root.dataset.seen = String(data.seen);
  return () => watcher.cleanup();
}
