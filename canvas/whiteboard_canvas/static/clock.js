// The session clock, ticking in the browser (hand-written, no build).
//
// Contract with Python (whiteboard_canvas.clock_face, design_framework.session.clock_plan):
//   data = {at, status, running, stepTitle, stepShort, stepLeft, stepBudget, totalLeft,
//           elapsed, lengthMinutes, behind, later: [[title, budget_s]...],
//           mode: "candidate" | "interviewer", dark, endAtZero}
//   endAtZero (a rehearsal): when the interview's time left reaches 0 while running, the
//   trigger `timeout` fires once; the page finishes the attempt and shows the report.
//   dueAt (interview seconds, optional): when the elapsed time reaches it while running,
//   the trigger `due` fires once (a solo curveball arrives).
// Figures are as of `at` (epoch seconds, when the page run took them). While `running`,
// each one moves by a second per second from then; nothing goes back to the server.
// The arithmetic is clock_view's (design_framework/session.py) advanced by those seconds.
//   live (optional, the interviewer's clock in a room): {channel, v}; a newer clock plan
//   announced by the room's watcher (watch.js, "wb:live") is drawn at once, so the step the
//   candidate moved to shows before the page's run.

const faces = new WeakMap(); // parentElement -> one face; the function reruns on every data change

function mmss(seconds) {
  const sign = seconds < 0 ? "-" : "";
  const whole = Math.floor(Math.abs(seconds));
  return `${sign}${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function cell(label, field, title) {
  return `<div class="wbc-cell"><div class="wbc-label"${title ? ` title="${title}"` : ""}>${label}</div>
    <div class="wbc-value" data-field="${field}"></div></div>`;
}

function build(parentElement, face) {
  const root = document.createElement("div");
  root.className = "wbc";
  root.dataset.testid = "wb-clock";
  root.setAttribute("role", "timer");
  root.setAttribute("aria-live", "off");
  parentElement.appendChild(root);
  face.root = root;
  face.timer = setInterval(() => draw(face), 250);
}

function layout(face, data) {
  const interviewer = data.mode === "interviewer";
  const untimed = data.totalLeft === null || data.totalLeft === undefined;
  const shape = `${data.mode}:${untimed}`;
  if (face.shape === shape) return;
  face.shape = shape;
  const total = untimed
    ? cell(interviewer ? "Elapsed" : "Elapsed (untimed)", "elapsed")
    : cell(interviewer ? "Interview time left" : "Interview left", "totalLeft");
  face.root.innerHTML = `<div class="wbc-row">
      ${interviewer ? cell("Candidate is on", "on") : ""}
      ${cell("Step time left", "stepLeft")}
      ${total}
      ${interviewer ? "" : `<div class="wbc-cell"><div class="wbc-label">Clock</div><span class="wbc-badge" data-field="status"></span></div>`}
    </div>
    <div class="wbc-over" data-field="over" role="status" hidden></div>
    <div class="wbc-squeeze" data-field="squeeze" hidden></div>`;
}

function field(face, name) {
  return face.root.querySelector(`[data-field="${name}"]`);
}

function draw(face) {
  const data = face.data;
  if (!data) return;
  const dt = data.running ? (performance.now() - face.since) / 1000 : 0;
  const stepLeft = data.stepLeft - dt;
  const set = (name, text) => {
    const el = field(face, name);
    if (el && el.textContent !== text) el.textContent = text;
  };
  set("on", data.stepShort);
  const on = field(face, "on");
  if (on) on.title = data.stepTitle;
  set("stepLeft", mmss(stepLeft));
  field(face, "stepLeft").title = `${data.stepTitle}: budget ${mmss(data.stepBudget)}`;
  const untimed = data.totalLeft === null || data.totalLeft === undefined;
  if (untimed) set("elapsed", mmss(data.elapsed + dt));
  else set("totalLeft", mmss(data.totalLeft - dt));
  // Something planned for an interview second (a solo curveball): once it comes, the page
  // is told (trigger `due`), once per planned second.
  if (data.dueAt != null && data.running && data.elapsed + dt >= data.dueAt && face.dueSent !== data.dueAt) {
    face.dueSent = data.dueAt;
    face.setTriggerValue?.("due", { at: data.dueAt });
  }
  // A rehearsal ends when its time does: once, the page is told (trigger `timeout`).
  if (data.endAtZero && !untimed && data.running && data.totalLeft - dt <= 0 && !face.ended) {
    face.ended = true;
    face.setTriggerValue?.("timeout", { at: data.at });
  }
  const badge = field(face, "status");
  if (badge) {
    set("status", data.status);
    badge.dataset.status = data.status;
  }
  face.root.dataset.status = data.status;

  const over = field(face, "over");
  const squeeze = field(face, "squeeze");
  const live = data.mode !== "interviewer" && data.status !== "finished";
  over.hidden = !(live && stepLeft < 0);
  if (!over.hidden) set("over", `${data.stepTitle} is ${mmss(-stepLeft)} over its budget.`);
  // the later steps' shares, cut to fit the time really left (clock_view's later_budgets_s)
  const behind = data.behind + dt;
  const later = data.later || [];
  squeeze.hidden = !(live && behind > 0 && later.length > 0);
  if (!squeeze.hidden) {
    const laterPlanned = later.reduce((sum, [, budget]) => sum + budget, 0);
    let scale = 1;
    if (!untimed && laterPlanned > 0) {
      const leftForLater = Math.max(0, data.totalLeft - dt - Math.max(0, -behind));
      scale = Math.min(1, leftForLater / laterPlanned);
    }
    const shares = later.map(([title, budget]) => `${title} ${mmss(budget * scale)}`).join(", ");
    set("squeeze", `You are ${mmss(behind)} behind plan; what is left for the later steps: ${shares}.`);
  }
}

export default function clock(args) {
  const { parentElement, data, setTriggerValue } = args;
  let face = faces.get(parentElement);
  if (!face) {
    face = { shape: null };
    build(parentElement, face);
    face.cleanup = () => {
      clearInterval(face.timer);
      face.root.remove();
      faces.delete(parentElement);
    };
    faces.set(parentElement, face);
  }
  face.setTriggerValue = setTriggerValue;
  const channel = data.live && data.live.channel;
  if (channel && !face.onLive) {
    face.onLive = (event) => {
      const detail = event.detail || {};
      const plan = detail.live && detail.live.clock;
      if (detail.channel !== channel || !plan || Number(detail.v) <= face.liveV) return;
      face.liveV = Number(detail.v);
      show(face, { ...face.data, ...plan });
    };
    window.addEventListener("wb:live", face.onLive);
    const cleanup = face.cleanup;
    face.cleanup = () => {
      window.removeEventListener("wb:live", face.onLive);
      cleanup();
    };
  }
  // what the page drew, unless the watcher already brought a newer plan
  const drawnV = data.live ? Number(data.live.v) : 0;
  if (face.liveV === undefined || drawnV >= face.liveV) {
    face.liveV = drawnV;
    show(face, data);
  } else {
    show(face, { ...face.data, mode: data.mode, dark: data.dark });
  }
  return () => face.cleanup();
}

function show(face, data) {
  if (face.data && face.data.at !== data.at) face.ended = false;
  layout(face, data);
  face.root.classList.toggle("dark", !!data.dark);
  face.data = data;
  // Count from when the figures were taken (`at`, the server's clock), not from when they
  // arrived: the first mount waits for this file to load, a second or two on a cold page.
  // A browser clock set far from the server's (over a minute) counts from arrival instead.
  const late = Date.now() / 1000 - Number(data.at);
  face.since = performance.now() - (late >= 0 && late < 60 ? late * 1000 : 0);
  draw(face);
}
