// The whiteboard's canvas: a Streamlit components-v2 default export rendering React Flow.
//
// Contract with Python (ui/canvas.py builds `data`, components/board.py reads the state):
//   data  = {rev, readOnly, height, dark, design, marks, catalogId, catalog?, select, error,
//            saved}
//           (saved: the seq of the last state Python took; data-sent == data-saved means
//           every change the user made is saved; the catalog, the palette's and editor's
//           static data, is kept here under its id: the editable board reports the id it
//           holds as its state "catalog", and Python then leaves the catalog out)
//   state "design" = {rev, seq, base, design}   sent on drop, connect, drag stop, edit, delete,
//                                         undo/redo and note edits (never during a drag)
//   state "catalog" = the catalogId the page holds (null: send it again)
//   trigger "action" = {kind: "layout" | "sync", seq} (a layout also sends the board's
//           pane size, {width, height}: the layout wraps to suit it)
//   data.fit = the fit rule (readableFit.js), from components/board.py FIT_RULE
//   data.direct = {path, session, token, tab} | null, data.revision = the session's revision the
//           page drew: with `direct`, a change goes to the server's direct route (POST
//           path, ui/board_route.py), which saves it and answers the verdict
//           {revision, seq, marks, findings} without a page run; the board draws the marks
//           and hands the findings to the page's list (the "wb:answer" window event). Any
//           refusal sends the change through the state value instead, as does every change
//           while one sent that way waits for the page; once the user pauses, the trigger
//           "sync" lets the page pick up what was saved. Python's data wins again once its
//           revision is as new as the last answer's.
// Beside this file: palette.jsx, toolbar.jsx and connectTo.jsx (parts of the board),
// useBoardFocus.js (the board or the page: the wheel, focus mode) and useShortcuts.js (its
// keys), search.js (how a query ranks) and placement.js (where a new box goes).
// `rev` gates structural pushes from Python: the board replaces its nodes only when Python
// sends a new rev (quick text, YAML, auto-layout, a refused change), so the echo of the
// user's own change never overwrites what they are dragging.
import React, {
  createContext,
  memo,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useNodesInitialized,
  useReactFlow,
  useStoreApi,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import "./canvas.css";
import { ConnectTo } from "./connectTo.jsx";
import { Palette, TYPE_MIME } from "./palette.jsx";
import { afterMeasuring, useReadableFit } from "./readableFit.js";
import { freeSpot, nodeBox } from "./placement.js";
import { Toolbar } from "./toolbar.jsx";
import { useBoardFocus } from "./useBoardFocus.js";
import { isTyping, useShortcuts } from "./useShortcuts.js";

const NOTE_PREFIX = "~note-";
const ID_PATTERN = /^[a-z0-9_-]+$/;
const HISTORY_LIMIT = 200;

const Ctx = createContext(null);
const KEPT = new Map(); // boardKey -> the board's last state, for a remount
const CATALOGS = new Map(); // catalogId -> the catalog, for the page's lifetime
const MARKER = { type: MarkerType.ArrowClosed, width: 14, height: 14 };
// Every fit (on load, after a new rev on a read-only board or an auto-layout, the Fit
// button) is readableFit.js's: never under a readable size; past it, pan.

// ---- design <-> React Flow ---------------------------------------------------------------

function toNodes(design) {
  const nodes = (design.components || []).map((c) => ({
    id: c.id,
    type: "component",
    position: { x: c.pos?.x ?? 0, y: c.pos?.y ?? 0 },
    data: { type: c.type, label: c.label || "", params: c.params || {} },
  }));
  (design.notes || []).forEach((note, i) => {
    nodes.push({
      id: NOTE_PREFIX + i,
      type: "note",
      position: { x: note.pos?.x ?? 0, y: note.pos?.y ?? 0 },
      data: { text: note.text || "" },
    });
  });
  return nodes;
}

function edgeId(source, target) {
  return `${source}->${target}`;
}

function toEdges(design) {
  return (design.edges || []).map((e) => ({
    id: edgeId(e.from, e.to),
    source: e.from,
    target: e.to,
    label: e.label || undefined,
    data: e.kind ? { kind: e.kind } : {},
  }));
}

// What an arrow means (design.md, model v3); unstated, the rubric infers it.
const EDGE_KINDS = [
  ["", "Inferred from the drawing"],
  ["data", "Data flows from → to"],
  ["call", "A call and its answer"],
  ["write", "Writes a store, queue or log"],
  ["deploy", "Deploys a model"],
];

const round = (v) => Math.round(v);

function toDesign(nodes, edges) {
  const components = [];
  const notes = [];
  for (const n of nodes) {
    const pos = { x: round(n.position.x), y: round(n.position.y) };
    if (n.type === "note") {
      notes.push({ text: n.data.text || "", pos });
      continue;
    }
    const c = { id: n.id, type: n.data.type, pos };
    if (n.data.label) c.label = n.data.label;
    const params = Object.fromEntries(
      Object.entries(n.data.params || {}).filter(([, v]) => v !== null && v !== undefined && v !== ""),
    );
    if (Object.keys(params).length) c.params = params;
    components.push(c);
  }
  const out = edges.map((e) => {
    const edge = { from: e.source, to: e.target };
    if (e.label) edge.label = e.label;
    if (e.data?.kind) edge.kind = e.data.kind;
    return edge;
  });
  return { components, edges: out, notes };
}

// A design as both sides write it, for comparison: Python may omit what the board fills in.
function canonical(design) {
  const sortKeys = (o) => Object.fromEntries(Object.entries(o || {}).filter(([, v]) => v !== null && v !== undefined && v !== "").sort());
  const pos = (p) => ({ x: Math.round(p?.x ?? 0), y: Math.round(p?.y ?? 0) });
  return JSON.stringify({
    components: (design.components || [])
      .map((c) => ({ id: c.id, type: c.type, label: c.label || "", params: sortKeys(c.params), pos: pos(c.pos) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    edges: (design.edges || [])
      .map((e) => ({ from: e.from, to: e.to, label: e.label || "", kind: e.kind || "" }))
      .sort((a, b) => (`${a.from}>${a.to}` < `${b.from}>${b.to}` ? -1 : 1)),
    notes: (design.notes || []).map((n) => ({ text: n.text || "", pos: pos(n.pos) })),
  });
}

// about the room a new box and a new note take before they are drawn and measured
const NEW_BOX = { width: 160, height: 48 };
const NEW_NOTE = { width: 172, height: 84 };
// how near the drawing area's edge a connecting drag pans the board (React Flow's default)
const AUTO_PAN_PX = 40;
const ARROWS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);
// arrow presses closer together than this are one move: one step of undo
const KEY_MOVE_MS = 800;

const DIRECT_TIMEOUT_MS = 4000;
const SYNC_AFTER_MS = 1200;
const LAYOUT_WAIT_MS = 4000;

function suggestId(nodes, type) {
  const taken = new Set(nodes.map((n) => n.id));
  if (!taken.has(type)) return type;
  let n = 2;
  while (taken.has(`${type}_${n}`)) n += 1;
  return `${type}_${n}`;
}

// ---- nodes -------------------------------------------------------------------------------

const ComponentNode = memo(function ComponentNode({ id, data }) {
  const ctx = useContext(Ctx);
  const kind = ctx.catalog.types[data.type] || { label: data.type, category: "", role: "" };
  const category = ctx.categories[kind.category] || {};
  const mark = ctx.marks.nodes?.[id] || {};
  const label = data.label || kind.label;
  const classes = ["wb-node", `wb-role-${kind.role}`];
  if (mark.status) classes.push(`wb-${mark.status}`);
  if (ctx.pathSet.has(id)) classes.push("wb-onpath");
  return (
    <div
      className={classes.join(" ")}
      data-node={id}
      data-status={mark.status || "ok"}
      style={{ background: category.fill, color: category.font, borderColor: category.border }}
      title={[`${id}: ${kind.label}`, ...(mark.rules || [])].join("\n")}
    >
      <Handle type="target" position={Position.Left} className="wb-handle" />
      <div className="wb-node-label">{label}</div>
      {label !== kind.label ? <div className="wb-node-type">{kind.label}</div> : null}
      {(mark.lines || []).map((line, i) => (
        <div key={i} className="wb-node-fig">
          {line}
        </div>
      ))}
      <Handle type="source" position={Position.Right} className="wb-handle" />
    </div>
  );
});

const NOTE_SAVE_MS = 600;

const NoteNode = memo(function NoteNode({ id, data }) {
  const ctx = useContext(Ctx);
  const [text, setText] = useState(data.text);
  useEffect(() => setText(data.text), [data.text]);
  // What is typed goes to the board (and is saved) once typing pauses, and at once when the
  // page is hidden or closed, not only on blur: a reload must not lose a note being written.
  const latest = useRef({ text, saved: data.text });
  latest.current = { text, saved: data.text };
  useEffect(() => {
    if (ctx.readOnly || text === data.text) return undefined;
    const timer = setTimeout(() => ctx.editNote(id, text), NOTE_SAVE_MS);
    return () => clearTimeout(timer);
  }, [text, data.text]);
  useEffect(() => {
    if (ctx.readOnly) return undefined;
    const flush = () => {
      const { text: typed, saved } = latest.current;
      if (typed !== saved) flushSync(() => ctx.editNote(id, typed));
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", flush);
    };
  }, [id]);
  if (ctx.readOnly) {
    return (
      <div className="wb-note" data-note={id}>
        <div className="wb-note-text">{data.text}</div>
      </div>
    );
  }
  return (
    <div className="wb-note" data-note={id}>
      <textarea
        className="nodrag nowheel wb-note-input"
        value={text}
        placeholder="Sticky note"
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text !== data.text && ctx.editNote(id, text)}
      />
    </div>
  );
});

const NODE_TYPES = { component: ComponentNode, note: NoteNode };

// ---- side panel: edit in place -----------------------------------------------------------

function formatNumber(v) {
  if (v === null || v === undefined) return "";
  return typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 3 }) : String(v);
}

// What was typed in an editor and not yet applied is applied when the editor closes (a click
// on the board or on another box, Escape), as a whiteboard applies an edit on click-away:
// `pending` says whether the fields differ from what is saved, `apply` saves them.
function useApplyOnClose(pending, apply) {
  const latest = useRef({ pending, apply });
  latest.current = { pending, apply };
  useEffect(
    () => () => {
      if (latest.current.pending()) latest.current.apply();
    },
    [],
  );
}

function NodeEditor({ node, kind, nodes, onSave, onDelete, onClose }) {
  const [id, setId] = useState(node.id);
  const [label, setLabel] = useState(node.data.label || "");
  const [params, setParams] = useState(() => ({ ...(node.data.params || {}) }));
  const [error, setError] = useState("");
  useEffect(() => {
    setId(node.id);
    setLabel(node.data.label || "");
    setParams({ ...(node.data.params || {}) });
    setError("");
  }, [node.id, node.data]);
  const save = () => {
    const newId = id.trim();
    if (!ID_PATTERN.test(newId)) {
      setError("Id: use lowercase letters, digits, _ and -");
      return;
    }
    if (newId !== node.id && nodes.some((n) => n.id === newId)) {
      setError(`There is already a component called ${newId}`);
      return;
    }
    const clean = {};
    for (const [name, raw] of Object.entries(params)) {
      if (raw === "" || raw === null || raw === undefined) continue;
      const value = Number(raw);
      const spec = kind.params[name];
      if (!Number.isFinite(value) || value < 0 || (spec?.integer && !Number.isInteger(value))) {
        setError(`${name}: must be a ${spec?.integer ? "whole " : ""}number >= 0`);
        return;
      }
      clean[name] = value;
    }
    setError("");
    onSave(node.id, newId, label.trim(), clean);
    return true;
  };
  const pending = () =>
    id.trim() !== node.id ||
    label.trim() !== (node.data.label || "") ||
    Object.keys({ ...params, ...(node.data.params || {}) }).some(
      (name) => String(params[name] ?? "") !== String(node.data.params?.[name] ?? ""),
    );
  useApplyOnClose(pending, save);
  const onKey = (e) => {
    if (e.key === "Enter") save();
    if (e.key === "Escape" && (!pending() || save())) onClose();
  };
  return (
    <div
      className="wb-panel"
      data-testid="wb-editor"
      data-editing={node.id}
      onBlur={(e) => {
        // leaving the editor for the board keeps what was typed
        if (!e.currentTarget.contains(e.relatedTarget) && pending()) save();
      }}
    >
      <div className="wb-panel-body">
        <div className="wb-panel-title">{kind.label}</div>
        <div className="wb-muted">{kind.description}</div>
        <label className="wb-field">
          <span>Id</span>
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} onKeyDown={onKey} />
        </label>
        <label className="wb-field">
          <span>Label</span>
          <input
            name="label"
            value={label}
            placeholder={kind.label}
            onChange={(e) => setLabel(e.target.value)}
            onKeyDown={onKey}
          />
        </label>
        {Object.entries(kind.params).map(([name, spec]) => (
          <label key={name} className="wb-field">
            <span>{spec.title || name}</span>
            <input
              name={name}
              type="number"
              min="0"
              step="any"
              value={params[name] ?? ""}
              placeholder={spec.default === null || spec.default === undefined ? "" : String(spec.default)}
              onChange={(e) => setParams({ ...params, [name]: e.target.value })}
              onKeyDown={onKey}
            />
            <small className="wb-muted" data-param-help={name}>
              {spec.default === null || spec.default === undefined
                ? spec.unset || "unset"
                : `default ${formatNumber(spec.default)}`}
              {spec.min !== undefined && spec.max !== undefined
                ? ` · plausible ${formatNumber(spec.min)}–${formatNumber(spec.max)}`
                : ""}
            </small>
          </label>
        ))}
      </div>
      <div className="wb-panel-footer">
        {error ? <div className="wb-error" role="alert">{error}</div> : null}
        <div className="wb-row">
          <button type="button" className="wb-button wb-primary" onClick={save} data-action="save">
            Save
          </button>
          <button type="button" className="wb-button" onClick={onDelete} data-action="delete">
            Delete
          </button>
        </div>
      </div>
    </div>
  );
}

function EdgeEditor({ edge, onSave, onDelete, onClose }) {
  const [label, setLabel] = useState(edge.label || "");
  const [kind, setKind] = useState(edge.data?.kind || "");
  useEffect(() => setLabel(edge.label || ""), [edge.id, edge.label]);
  useEffect(() => setKind(edge.data?.kind || ""), [edge.id, edge.data?.kind]);
  const pending = () => label.trim() !== (edge.label || "") || kind !== (edge.data?.kind || "");
  const apply = () => onSave(edge.id, label.trim(), kind);
  useApplyOnClose(pending, apply);
  return (
    <div className="wb-panel" data-testid="wb-edge-editor">
      <div className="wb-panel-body">
        <div className="wb-panel-title">
          {edge.source} → {edge.target}
        </div>
        <label className="wb-field">
          <span>What flows</span>
          <input
            name="edge-label"
            value={label}
            placeholder="e.g. online features"
            onChange={(e) => setLabel(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") apply();
              if (e.key === "Escape") {
                if (pending()) apply();
                onClose();
              }
            }}
          />
        </label>
        <label className="wb-field">
          <span>What the arrow means</span>
          <select name="edge-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {EDGE_KINDS.map(([value, text]) => (
              <option key={value || "inferred"} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="wb-panel-footer">
        <div className="wb-row">
          <button
            type="button"
            className="wb-button wb-primary"
            onClick={() => onSave(edge.id, label.trim(), kind)}
            data-action="save"
          >
            Save
          </button>
          <button type="button" className="wb-button" onClick={onDelete} data-action="delete">
            Delete
          </button>
        </div>
      </div>
    </div>
  );
}

// ---- the board ---------------------------------------------------------------------------

function Board({ data, api }) {
  const rf = useReactFlow();
  const [fitReadable, fitPans] = useReadableFit(data.fit);
  const flowSize = useStoreApi();
  // The board's own render time, from new data to the committed DOM (bench/browser_canvas.py).
  useLayoutEffect(() => {
    if (api.renderStart && wrapper.current) {
      wrapper.current.dataset.renderMs = (performance.now() - api.renderStart).toFixed(1);
      api.renderStart = null;
    }
  });
  const readOnly = !!data.readOnly;
  // Streamlit may remount the component (an interrupted fragment rerun clears it): the
  // board resumes from what it last held, history and unsaved changes included, unless
  // Python has pushed a new design since.
  const kept = useRef(
    (() => {
      const k = data.boardKey && KEPT.get(data.boardKey);
      return k && k.rev === data.rev ? k : null;
    })(),
  ).current;
  const [nodes, setNodes] = useState(() => (kept ? kept.nodes : toNodes(data.design)));
  const [edges, setEdges] = useState(() => (kept ? kept.edges : toEdges(data.design)));
  const [tick, setTick] = useState(0);
  const [sent, setSent] = useState(kept ? kept.sent : 0);
  // The last answer of the direct route: {revision, seq, marks}.
  const [answer, setAnswer] = useState(kept ? kept.answer : null);
  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);
  nodesRef.current = nodes;
  edgesRef.current = edges;
  const appliedRev = useRef(data.rev);
  const pendingSend = useRef(false);
  // seq only grows, even over a remount that drops what the board held (a new rev): the
  // page compares it with the last one it took
  const seq = useRef(kept ? kept.seq : (data.boardKey && KEPT.get(data.boardKey)?.seq) || 0);
  const history = useRef(kept ? kept.history : { past: [], future: [] });
  const keyMove = useRef(null); // the timer of a move with the arrow keys in progress
  function endKeyMove() {
    clearTimeout(keyMove.current);
    keyMove.current = null;
  }
  // A board Streamlit has replaced (detached from the page) stays silent.
  const live = () => !!wrapper.current?.isConnected;
  useEffect(() => {
    if (!data.boardKey || readOnly || !live()) return;
    KEPT.set(data.boardKey, {
      rev: appliedRev.current,
      nodes,
      edges,
      sent,
      answer,
      way: way.current,
      seq: seq.current,
      history: history.current,
    });
  });
  const dragStart = useRef(null);
  const wrapper = useRef(null);
  // Fit on load only when there is something to fit: fitting the first dropped node would
  // jump the view under the user's hand.
  const fitOnLoad = useRef(nodes.length > 0).current;
  const measured = useNodesInitialized();
  const loadFitted = useRef(false);
  useEffect(() => {
    if (!fitOnLoad || loadFitted.current || !measured) return;
    loadFitted.current = true;
    fitReadable();
  }, [measured]);

  const catalog = data.catalog;
  const categories = useMemo(
    () => Object.fromEntries((catalog.categories || []).map((c) => [c.id, c])),
    [catalog],
  );
  // The same verdict comes back with every echo of a move: keep its identity so the nodes
  // do not all re-render.
  const drawnRevision = data.revision ?? -1;
  const answered = answer && answer.revision > drawnRevision ? answer : null;
  const shownMarks = answered ? answered.marks : data.marks;
  const saved = Math.max(data.saved ?? 0, answer ? answer.seq : 0);
  const marksKey = JSON.stringify(shownMarks || {});
  const marks = useMemo(() => shownMarks || {}, [marksKey]);
  const pathSet = useMemo(() => new Set(marks.path || []), [marks.path]);

  // A new rev from Python replaces the board (quick text, YAML, auto-layout, a refusal).
  useEffect(() => {
    if (data.rev === appliedRev.current) return;
    appliedRev.current = data.rev;
    const laidOut = way.current.layoutRev !== null; // the answer to this board's Auto-layout
    way.current.layoutRev = null;
    if (laidOut) afterMeasuring(() => fitReadable());
    // The page pushing what the board already shows (it picked up the board's own direct
    // save) changes nothing: no history step, the selection and the view stay.
    if (!readOnly && canonical(toDesign(nodesRef.current, edgesRef.current)) === canonical(data.design)) return;
    // Nor does a push drawn from an older revision than the board's last direct save (a run
    // that started before it): the board holds what is stored, and the push would undo it.
    if (!readOnly && answerRef.current && (data.revision ?? -1) < answerRef.current.revision) return;
    if (!readOnly) pushHistory();
    setNodes(toNodes(data.design));
    setEdges(toEdges(data.design));
    if (readOnly) {
      refitWhenMeasured.current = true;
      afterMeasuring(() => fitReadable());
    }
  }, [data.rev]);
  // ...and again once React Flow has measured the new boxes: two frames were not always
  // enough (a room's board mounted empty and filled by the watcher fitted its first box
  // only, and the second stood half outside the view)
  const refitWhenMeasured = useRef(false);
  useEffect(() => {
    if (!refitWhenMeasured.current || !measured) return;
    refitWhenMeasured.current = false;
    fitReadable();
  }, [measured, nodes]);

  // Escape in an editor closes it (what was typed applied first).
  const deselectAll = () => {
    setNodes((ns) => ns.map((n) => (n.selected ? { ...n, selected: false } : n)));
    setEdges((es) => es.map((e) => (e.selected ? { ...e, selected: false } : e)));
  };

  // A click on a finding selects its nodes.
  const selectIds = (list) => {
    const ids = new Set(list || []);
    setNodes((ns) => ns.map((n) => ({ ...n, selected: ids.has(n.id) })));
    setEdges((es) => es.map((e) => ({ ...e, selected: false })));
    if (ids.size) {
      requestAnimationFrame(() =>
        rf.fitView({ nodes: [...ids].map((id) => ({ id })), padding: 0.6, maxZoom: 1.2, duration: 200 }),
      );
    }
  };
  const selectToken = data.select?.token;
  useEffect(() => {
    if (selectToken) selectIds(data.select.ids);
  }, [selectToken]);
  // "Show on the board" in the page's findings list, answered here without a page run (the
  // list sends its trigger only when no board took the event).
  useEffect(() => {
    if (readOnly || !data.boardKey) return undefined;
    const onSelect = (event) => {
      const detail = event.detail || {};
      if (detail.boardKey !== data.boardKey || !live()) return;
      event.preventDefault();
      selectIds(detail.ids);
      // the list sits under the board: bring the board back into view
      wrapper.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    };
    window.addEventListener("wb:select", onSelect);
    return () => window.removeEventListener("wb:select", onSelect);
  }, [readOnly, data.boardKey]);

  // Send only after React has applied the change (an early send lost a deleted node's edges),
  // but before the browser paints: a passive effect waited for the next frame.
  useLayoutEffect(() => {
    if (!pendingSend.current) return;
    pendingSend.current = false;
    if (!live()) return;
    seq.current += 1;
    setSent(seq.current);
    send(seq.current, toDesign(nodesRef.current, edgesRef.current));
  }, [nodes, edges, tick]);

  // Watchdog: if the server has answered but not taken the latest change within 1.5 s (a
  // state update can be lost while a fragment rerun is settling), send it again. The
  // user's work is never left only in the browser.
  const retries = useRef(0);
  useEffect(() => {
    if (readOnly || sent <= saved) {
      retries.current = 0;
      return undefined;
    }
    const timer = setTimeout(() => {
      if (retries.current >= 5 || !live()) return;
      retries.current += 1;
      pendingSend.current = true;
      setTick((t) => t + 1);
    }, 1500);
    return () => clearTimeout(timer);
  }, [sent, saved, data]);

  // The two ways a change goes (see the contract at the top). `way.pageSeq` is the seq of
  // the last change sent through the page: until the page has taken it, every change goes
  // that way too, or a direct save could land before it and be overwritten by it.
  // Kept over any remount: a change still waiting for the page must hold direct saves back.
  const way = useRef(
    (data.boardKey && KEPT.get(data.boardKey)?.way) || { busy: false, queued: false, pageSeq: 0, refusedToken: null, layoutRev: null, layoutAt: 0 },
  );
  const dataRef = useRef(data);
  dataRef.current = data;
  const answerRef = useRef(answer);
  answerRef.current = answer;
  // the session revision the board knows: the page's, or its last direct answer's
  const knownRevision = () =>
    Math.max(dataRef.current.revision ?? -1, answerRef.current ? answerRef.current.revision : -1);
  // how the changes went, readable in the page (data-page-sends, data-direct-sends)
  const count = (name) => {
    if (wrapper.current) wrapper.current.dataset[name] = String(Number(wrapper.current.dataset[name] || 0) + 1);
  };
  const throughPage = (seqNo, design) => {
    way.current.pageSeq = seqNo;
    count("pageSends");
    api.setStateValue("design", { rev: appliedRev.current, seq: seqNo, base: knownRevision(), design });
  };
  const send = (seqNo, design) => {
    const d = dataRef.current;
    const w = way.current;
    // a change sent through the page not taken yet, or an auto-layout not drawn yet
    // (a layout whose push never came, its run cut short, stops holding them after a while)
    const layoutWaiting =
      w.layoutRev !== null && w.layoutRev === appliedRev.current && performance.now() - w.layoutAt < LAYOUT_WAIT_MS;
    const pageWaiting = w.pageSeq > (d.saved ?? 0) || layoutWaiting;
    const base = knownRevision();
    // a key refused stays refused; a server restarted hands the page a new one
    const refused = d.direct && w.refusedToken === d.direct.token;
    if (!d.direct || refused || pageWaiting || base < 0) {
      throughPage(seqNo, design);
      return;
    }
    if (w.busy) {
      w.queued = true; // the answer sends the board as it is then
      return;
    }
    w.busy = true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), DIRECT_TIMEOUT_MS);
    const body = JSON.stringify({ session: d.direct.session, token: d.direct.token, tab: d.direct.tab, base, seq: seqNo, design });
    fetch(new URL(d.direct.path, window.location.origin), {
      method: "POST",
      cache: "no-store",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body,
      // a change sent as the page goes away (a note flushed on reload) still arrives;
      // browsers cap such requests at 64 KB
      keepalive: body.length < 60_000,
      signal: abort.signal,
    })
      .then(async (response) => {
        if (!response.ok) {
          // another server process (403) or no such session (404): this board stops asking
          if (response.status === 403 || response.status === 404) w.refusedToken = d.direct.token;
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then((body) => {
        if (!live()) return;
        const next = { revision: body.revision, seq: body.seq, marks: body.marks };
        answerRef.current = next;
        api.renderStart = performance.now(); // the board's render of the answer (data-render-ms)
        flushSync(() => setAnswer(next));
        count("directSends");
        window.dispatchEvent(
          new CustomEvent("wb:answer", { detail: { boardKey: d.boardKey, revision: body.revision, findings: body.findings } }),
        );
      })
      .catch(() => {
        if (live()) throughPage(seqNo, design);
      })
      .finally(() => {
        clearTimeout(timer);
        w.busy = false;
        if (w.queued) {
          w.queued = false;
          pendingSend.current = true;
          setTick((t) => t + 1);
        }
      });
  };

  // Once the user pauses after direct saves, the page picks them up (the drawing time
  // above the board, the session the page holds): one run per pause, not per change.
  useEffect(() => {
    if (readOnly || !answer || answer.revision <= drawnRevision) return undefined;
    const timer = setTimeout(() => {
      if (!live() || way.current.busy) return;
      seq.current += 1;
      api.setTriggerValue("action", { kind: "sync", seq: seq.current });
    }, SYNC_AFTER_MS);
    return () => clearTimeout(timer);
  }, [answer, drawnRevision]);

  const markSend = () => {
    pendingSend.current = true;
    setTick((t) => t + 1);
  };

  const snapshot = () => ({
    nodes: nodesRef.current.map((n) => ({ ...n, selected: false })),
    edges: edgesRef.current.map((e) => ({ ...e, selected: false })),
  });
  function pushHistory() {
    endKeyMove(); // a change of another kind ends a move with the arrows
    const h = history.current;
    h.past.push(snapshot());
    if (h.past.length > HISTORY_LIMIT) h.past.shift();
    h.future = [];
  }
  const undo = useCallback(() => {
    endKeyMove();
    const h = history.current;
    if (!h.past.length) return;
    h.future.push(snapshot());
    const prev = h.past.pop();
    setNodes(prev.nodes);
    setEdges(prev.edges);
    markSend();
  }, []);
  const redo = useCallback(() => {
    endKeyMove();
    const h = history.current;
    if (!h.future.length) return;
    h.past.push(snapshot());
    const next = h.future.pop();
    setNodes(next.nodes);
    setEdges(next.edges);
    markSend();
  }, []);

  const onNodesChange = useCallback((changes) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes) => setEdges((es) => applyEdgeChanges(changes, es)), []);

  const onDragStart = useCallback(() => {
    dragStart.current = snapshot();
  }, []);
  const onDragStop = useCallback(() => {
    const before = dragStart.current;
    dragStart.current = null;
    if (!before) return;
    const moved = nodesRef.current.some((n) => {
      const old = before.nodes.find((o) => o.id === n.id);
      return old && (round(old.position.x) !== round(n.position.x) || round(old.position.y) !== round(n.position.y));
    });
    if (!moved) return;
    endKeyMove();
    const h = history.current;
    h.past.push(before);
    h.future = [];
    markSend();
  }, []);

  const onConnect = useCallback((conn) => {
    const { source, target } = conn;
    if (!source || !target || source === target) return;
    if (source.startsWith(NOTE_PREFIX) || target.startsWith(NOTE_PREFIX)) return;
    if (edgesRef.current.some((e) => e.source === source && e.target === target)) return;
    pushHistory();
    setEdges((es) => [...es, { id: edgeId(source, target), source, target }]);
    markSend();
  }, []);

  const onBeforeDelete = useCallback(async () => {
    pushHistory();
    return true;
  }, []);
  const onDelete = useCallback(() => markSend(), []);

  // The part of the board in view, in flow coordinates, less a margin of `inset` screen px
  // (by default React Flow's auto-pan band: a handle in it pans the board under a drag).
  const visibleArea = useCallback(
    (inset = AUTO_PAN_PX) => {
      const box = wrapper.current?.querySelector(".react-flow")?.getBoundingClientRect();
      if (!box || !box.width || !box.height) return null;
      const a = rf.screenToFlowPosition({ x: box.left + inset, y: box.top + inset });
      const b = rf.screenToFlowPosition({ x: box.right - inset, y: box.bottom - inset });
      return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
    },
    [rf],
  );

  // A box dropped with the mouse lands where it was dropped, pulled inside the visible
  // board if it would hang over an edge or sit in the auto-pan band; one added from the
  // keyboard or with a double-click takes the free spot nearest the middle of the view
  // (placement.js).
  const addComponent = useCallback(
    (type, dropped) => {
      const view = visibleArea();
      let at;
      if (dropped) {
        at = view
          ? {
              x: Math.min(Math.max(dropped.x, view.x), view.x + view.width - NEW_BOX.width),
              y: Math.min(Math.max(dropped.y, view.y), view.y + view.height - NEW_BOX.height),
            }
          : dropped;
      } else {
        const middle = view
          ? { x: view.x + view.width / 2 - NEW_BOX.width / 2, y: view.y + view.height / 2 - NEW_BOX.height / 2 }
          : { x: 120, y: 120 };
        at = freeSpot(nodesRef.current.map((n) => nodeBox(n)), middle, NEW_BOX, view);
      }
      at = { x: round(at.x), y: round(at.y) };
      pushHistory();
      const id = suggestId(nodesRef.current, type);
      setNodes((ns) => [
        ...ns.map((n) => (n.selected ? { ...n, selected: false } : n)),
        { id, type: "component", position: at, data: { type, label: "", params: {} }, selected: true },
      ]);
      markSend();
    },
    [visibleArea],
  );

  const onDrop = useCallback(
    (event) => {
      event.preventDefault();
      const type = event.dataTransfer.getData(TYPE_MIME) || event.dataTransfer.getData("text/plain");
      if (!type || !catalog.types[type]) return;
      const p = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addComponent(type, { x: p.x - 80, y: p.y - 20 });
    },
    [rf, addComponent, catalog],
  );
  const onDragOver = useCallback((event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);

  // a note starts at the top left of the view, or the free spot nearest it
  const addNote = useCallback(() => {
    const view = visibleArea();
    const corner = view ? { x: view.x, y: view.y } : { x: 40, y: 40 };
    const found = freeSpot(nodesRef.current.map((n) => nodeBox(n)), corner, NEW_NOTE, view);
    const p = { x: round(found.x), y: round(found.y) };
    pushHistory();
    const used = new Set(nodesRef.current.map((n) => n.id));
    let i = 0;
    while (used.has(NOTE_PREFIX + i)) i += 1;
    setNodes((ns) => [
      ...ns,
      { id: NOTE_PREFIX + i, type: "note", position: p, data: { text: "" } },
    ]);
    markSend();
  }, [visibleArea]);

  const editNote = useCallback((id, text) => {
    pushHistory();
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, text } } : n)));
    markSend();
  }, []);

  const saveNode = useCallback((oldId, newId, label, params) => {
    pushHistory();
    setNodes((ns) =>
      ns.map((n) => (n.id === oldId ? { ...n, id: newId, data: { ...n.data, label, params } } : n)),
    );
    if (oldId !== newId) {
      setEdges((es) =>
        es.map((e) => {
          const source = e.source === oldId ? newId : e.source;
          const target = e.target === oldId ? newId : e.target;
          return { ...e, id: edgeId(source, target), source, target };
        }),
      );
    }
    markSend();
  }, []);

  const saveEdge = useCallback((id, label, kind) => {
    pushHistory();
    setEdges((es) =>
      es.map((e) => (e.id === id ? { ...e, label: label || undefined, data: { ...e.data, kind: kind || undefined } } : e)),
    );
    markSend();
  }, []);

  const deleteSelected = useCallback(() => {
    const ns = nodesRef.current.filter((n) => n.selected);
    const es = edgesRef.current.filter((e) => e.selected);
    if (ns.length || es.length) rf.deleteElements({ nodes: ns, edges: es });
  }, [rf]);

  const layout = useCallback(function askLayout() {
    // after the changes on their way to the direct route: the page lays out what was
    // saved; until its layout is drawn, changes go through the page, after it
    if (way.current.busy || way.current.queued) {
      setTimeout(askLayout, 25);
      return;
    }
    way.current.layoutRev = appliedRev.current;
    way.current.layoutAt = performance.now();
    seq.current += 1;
    const { width, height } = flowSize.getState(); // the layout wraps to suit this board
    api.setTriggerValue("action", { kind: "layout", seq: seq.current, width, height });
  }, []);

  // Where the user works (the board or the page around it, focus mode) and the keys the
  // board answers then: useBoardFocus.js, useShortcuts.js.
  const { engaged, focusMode, setFocusMode, owns } = useBoardFocus(wrapper, {
    enabled: !readOnly,
    boardKey: data.boardKey,
  });

  // Hand the keyboard to the board (Escape in an empty palette search): the selected box,
  // else the first one, else the drawing area, so arrows, C, Delete and Ctrl+Z answer.
  const focusBoard = useCallback(() => {
    const flow = wrapper.current?.querySelector(".wb-flow");
    const target =
      flow?.querySelector(".react-flow__node.selected") || flow?.querySelector(".react-flow__node") || flow;
    target?.focus({ preventScroll: true });
  }, []);

  // Connect to…: the selected box's arrow to another, from the keyboard (connectTo.jsx).
  const [connecting, setConnecting] = useState(null); // {source, returnTo}
  const connectingRef = useRef(null);
  connectingRef.current = connecting;
  const openConnect = useCallback(() => {
    const chosen = nodesRef.current.filter((n) => n.selected);
    if (chosen.length !== 1 || chosen[0].type !== "component") return;
    const returnTo = wrapper.current?.getRootNode()?.activeElement || null;
    setConnecting({ source: chosen[0].id, returnTo });
  }, []);
  // Closed with Enter or Escape, the keyboard goes back where it was (the box, the button);
  // closed by a click elsewhere, it stays there.
  const closeConnect = useCallback((how = {}) => {
    const open = connectingRef.current;
    setConnecting(null);
    if (!open || how.keepFocus) return;
    requestAnimationFrame(() => {
      const back = open.returnTo?.isConnected
        ? open.returnTo
        : wrapper.current?.querySelector(`.react-flow__node[data-id="${CSS.escape(open.source)}"]`);
      back?.focus({ preventScroll: true });
    });
  }, []);

  const { panning } = useShortcuts({
    enabled: !readOnly,
    owns,
    focusMode,
    actions: {
      undo,
      redo,
      connect: openConnect,
      toggleFocus: () => setFocusMode(!focusMode),
      leaveFocus: () => setFocusMode(false),
    },
  });

  // Arrow keys move the selected boxes (React Flow moves them): each press is sent, and
  // presses in a row are one step of undo.
  const onFlowKeyDownCapture = useCallback((event) => {
    if (!ARROWS.has(event.key) || isTyping(event)) return;
    const on = event.target.closest?.(".react-flow__node, .react-flow__nodesselection-rect");
    if (!on) return;
    const id = on.dataset?.id;
    const moves = id
      ? nodesRef.current.some((n) => n.id === id && n.selected)
      : nodesRef.current.some((n) => n.selected);
    if (!moves) return;
    if (keyMove.current) clearTimeout(keyMove.current);
    else pushHistory(); // the first press of a move
    keyMove.current = setTimeout(() => {
      keyMove.current = null;
    }, KEY_MOVE_MS);
    markSend();
  }, []);

  // Edges keep their identity while neither they nor their styling change, so React Flow
  // redraws only the edges that did.
  const edgeCache = useRef(new Map());
  const shownEdges = useMemo(() => {
    const path = marks.path || [];
    const onPath = new Set(path.slice(1).map((v, i) => edgeId(path[i], v)));
    const typeOf = new Map(nodes.map((n) => [n.id, n.data.type]));
    const cache = new Map();
    const out = edges.map((e) => {
      const target = catalog.types[typeOf.get(e.target)];
      const classes = [];
      if (onPath.has(e.id)) classes.push(marks.pathStatus === "fail" ? "wb-edge-fail" : "wb-edge-path");
      if (target?.role === "entry") classes.push("wb-edge-response");
      const className = classes.join(" ");
      const old = edgeCache.current.get(e.id);
      const shown = old && old.from === e && old.className === className ? old.shown : { ...e, className, markerEnd: MARKER };
      cache.set(e.id, { from: e, className, shown });
      return shown;
    });
    edgeCache.current = cache;
    return out;
  }, [edges, nodes, marks, catalog]);

  const selectedNodes = nodes.filter((n) => n.selected);
  const selectedEdges = edges.filter((e) => e.selected);
  const editing =
    !readOnly && selectedNodes.length === 1 && selectedNodes[0].type === "component" && !selectedEdges.length
      ? selectedNodes[0]
      : null;
  const editingEdge =
    !readOnly && !selectedNodes.length && selectedEdges.length === 1 ? selectedEdges[0] : null;
  const componentCount = nodes.filter((n) => n.type === "component").length;

  // The editor opens beside the board and narrows it: pan so the node being edited stays in
  // view rather than under the panel (a drop near the right edge, a click on a node there).
  const editingId = editing ? editing.id : null;
  useEffect(() => {
    if (!editingId) return undefined;
    const frame = requestAnimationFrame(() => {
      const flow = wrapper.current?.querySelector(".react-flow");
      const el = flow && [...flow.querySelectorAll(".react-flow__node")].find((n) => n.dataset.id === editingId);
      if (!el) return;
      const box = flow.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      const margin = 16;
      let dx = 0;
      let dy = 0;
      if (r.right > box.right - margin) dx = box.right - margin - r.right;
      if (r.left + dx < box.left + margin) dx = box.left + margin - r.left;
      if (r.bottom > box.bottom - margin) dy = box.bottom - margin - r.bottom;
      if (r.top + dy < box.top + margin) dy = box.top + margin - r.top;
      if (!dx && !dy) return;
      const vp = rf.getViewport();
      rf.setViewport({ x: vp.x + dx, y: vp.y + dy, zoom: vp.zoom });
    });
    return () => cancelAnimationFrame(frame);
  }, [editingId]);

  const ctx = useMemo(
    () => ({ catalog, categories, marks, pathSet, readOnly, editNote }),
    [catalog, categories, marks, pathSet, readOnly, editNote],
  );

  const canConnect = !!editing;
  const connectSource = connecting && nodes.find((n) => n.id === connecting.source);
  const connectTargets = connectSource
    ? nodes.filter(
        (n) =>
          n.type === "component" &&
          n.id !== connectSource.id &&
          !edges.some((e) => e.source === connectSource.id && e.target === n.id),
      )
    : [];
  const describeBox = (n) => {
    const kind = catalog.types[n.data.type] || { label: n.data.type };
    return { label: n.data.label || kind.label, typeLabel: kind.label };
  };
  const toolbarActions = {
    undo,
    redo,
    deleteSelected,
    addNote,
    connect: openConnect,
    layout,
    fit: () => fitReadable({ duration: 200 }),
    zoomIn: () => rf.zoomIn({ duration: 150 }),
    zoomOut: () => rf.zoomOut({ duration: 150 }),
    toggleFocus: () => setFocusMode(!focusMode),
  };
  const rootClasses = [
    "wb-root",
    data.dark ? "wb-dark" : "wb-light",
    readOnly ? "wb-readonly" : "",
    focusMode ? "wb-focus" : "",
    engaged ? "wb-engaged" : "",
    panning ? "wb-panning" : "",
  ];

  return (
    <Ctx.Provider value={ctx}>
      {/* the frame keeps the board's place in the page while focus mode lifts it out */}
      <div className="wb-frame" style={{ height: data.height || 520 }}>
        <div
          ref={wrapper}
          className={rootClasses.filter(Boolean).join(" ")}
          data-testid="wb-canvas"
          data-rev={data.rev}
          data-sent={sent}
          data-saved={saved}
          data-live-v={data.liveV ?? undefined}
          data-revision={answered ? answered.revision : drawnRevision}
          data-drawn-revision={drawnRevision}
          data-components={componentCount}
          data-edges={edges.length}
          data-focus-mode={focusMode ? "on" : "off"}
          data-engaged={engaged ? "yes" : "no"}
        >
          {!readOnly ? (
            <Toolbar
              canDelete={selectedNodes.length > 0 || selectedEdges.length > 0}
              canConnect={canConnect}
              focusMode={focusMode}
              on={toolbarActions}
            />
          ) : null}
          <div className="wb-body">
            {!readOnly ? (
              <Palette catalog={catalog} categories={categories} onAdd={addComponent} onLeave={focusBoard} />
            ) : null}
            <div
              className="wb-flow"
              tabIndex={readOnly ? undefined : -1}
              aria-label={readOnly ? undefined : "Drawing area"}
              onDrop={readOnly ? undefined : onDrop}
              onDragOver={readOnly ? undefined : onDragOver}
              onKeyDownCapture={readOnly ? undefined : onFlowKeyDownCapture}
            >
              <ReactFlow
                nodes={nodes}
                edges={shownEdges}
                nodeTypes={NODE_TYPES}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={onConnect}
                onNodeDragStart={onDragStart}
                onNodeDragStop={onDragStop}
                onSelectionDragStart={onDragStart}
                onSelectionDragStop={onDragStop}
                onBeforeDelete={onBeforeDelete}
                onDelete={onDelete}
                nodesDraggable={!readOnly}
                nodesConnectable={!readOnly}
                elementsSelectable={!readOnly}
                deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
                multiSelectionKeyCode={["Meta", "Control", "Shift"]}
                // the wheel: over a board the user works on (engaged, focus mode) it pans and
                // Ctrl+wheel or a pinch zooms, as in Excalidraw and tldraw; over a board they
                // only pass on the page, it scrolls the page (and Ctrl+wheel still zooms)
                zoomOnScroll={false}
                panOnScroll={!readOnly && engaged}
                zoomActivationKeyCode={readOnly ? ["Control", "Meta"] : "Meta"}
                preventScrolling={!readOnly && engaged}
                colorMode={data.dark ? "dark" : "light"}
                minZoom={0.1}
                maxZoom={2.5}
              >
                <Background gap={20} size={1} />
                {readOnly ? <Controls showInteractive={false} /> : null}
                {fitPans ? <MiniMap pannable zoomable ariaLabel="Where the view is on the design" /> : null}
                {!readOnly && !componentCount ? (
                  <Panel position="top-center" className="wb-empty">
                    Drag a component from the palette onto the board (or double-click it, or type its
                    name in the search and press Enter), then drag from a node's right handle to
                    another node's left handle to connect them (or select a node and press C).
                  </Panel>
                ) : null}
                {data.error ? (
                  <Panel position="bottom-center" className="wb-error wb-banner" data-testid="wb-error">
                    {data.error}
                  </Panel>
                ) : null}
              </ReactFlow>
              {connectSource ? (
                <ConnectTo
                  source={connectSource}
                  targets={connectTargets}
                  describe={describeBox}
                  onPick={(target) => {
                    onConnect({ source: connectSource.id, target });
                    closeConnect();
                  }}
                  onClose={closeConnect}
                />
              ) : null}
            </div>
            {editing ? (
              <NodeEditor
                node={editing}
                kind={{ params: {}, ...catalog.types[editing.data.type] }}
                nodes={nodes}
                onSave={saveNode}
                onDelete={deleteSelected}
                onClose={deselectAll}
              />
            ) : null}
            {editingEdge ? (
              <EdgeEditor edge={editingEdge} onSave={saveEdge} onDelete={deleteSelected} onClose={deselectAll} />
            ) : null}
          </div>
        </div>
      </div>
    </Ctx.Provider>
  );
}

// ---- the Streamlit entry point -----------------------------------------------------------

const mounted = new WeakMap();

export default function canvas(args) {
  const { parentElement } = args;
  // The function runs again on every data change with the same parent: one root per element.
  let entry = mounted.get(parentElement);
  if (!entry) {
    const host = document.createElement("div");
    host.className = "wb-host";
    parentElement.appendChild(host);
    entry = { root: createRoot(host), api: {} };
    mounted.set(parentElement, entry);
  }
  entry.args = args;
  follow(entry, args.data);
  return draw(entry, parentElement, liveData(entry, args.data));
}

// A read-only board in a room (the interviewer's view of the candidate's board) follows the
// room's watcher (watch.js): a newer board it announces ("wb:live", {channel, v, live}) is
// drawn at once, as if the page had sent it, and stands until the page's own data is as new.
function follow(entry, data) {
  const channel = data.readOnly && data.live ? data.live.channel : null;
  if (entry.channel === channel) return;
  if (entry.onLive) window.removeEventListener("wb:live", entry.onLive);
  entry.channel = channel;
  entry.onLive = null;
  if (!channel) return;
  entry.onLive = (event) => {
    const detail = event.detail || {};
    const v = Number(detail.v);
    if (detail.channel !== channel || !detail.live || !("board" in detail.live)) return;
    if (v <= Number(entry.args.data.live.v) || (entry.live && v <= entry.live.v)) return;
    entry.live = { v, board: detail.live.board };
    draw(entry, entry.args.parentElement, liveData(entry, entry.args.data));
  };
  window.addEventListener("wb:live", entry.onLive);
  const known = window.__wbLive && window.__wbLive[channel];
  if (known) entry.onLive({ detail: { channel, v: known.v, live: known.live } });
}

function liveData(entry, data) {
  const live = entry.live;
  if (!live || !data.live || Number(data.live.v) >= live.v) {
    entry.live = null; // the page's run is as new: its data stands
    return data;
  }
  const board = live.board || { rev: "empty", design: { components: [], edges: [], notes: [] }, marks: {} };
  return { ...data, rev: board.rev, design: board.design, marks: board.marks, liveV: live.v };
}

function draw(entry, parentElement, data) {
  const args = entry.args;
  entry.api.renderStart = performance.now();
  entry.api.setStateValue = args.setStateValue;
  entry.api.setTriggerValue = args.setTriggerValue;
  if (data.catalog) CATALOGS.set(data.catalogId, data.catalog);
  const catalog = data.catalog || CATALOGS.get(data.catalogId);
  const cleanup = () => {
    if (entry.onLive) window.removeEventListener("wb:live", entry.onLive);
    entry.root.unmount();
    mounted.delete(parentElement);
  };
  if (!catalog) {
    // Python left the catalog out but this page does not hold it: say so, and it comes.
    if (!entry.asked) {
      entry.asked = true;
      entry.reported = null;
      args.setStateValue("catalog", null);
    }
    return cleanup;
  }
  entry.asked = false;
  // Commit now, not in a later task: the page is busy drawing the rest of the fragment's
  // answer, and the board's new verdict should not wait behind it.
  flushSync(() =>
    entry.root.render(
      <ReactFlowProvider>
        <Board data={{ ...data, catalog }} api={entry.api} />
      </ReactFlowProvider>,
    ),
  );
  if (!data.readOnly && entry.reported !== data.catalogId) {
    entry.reported = data.catalogId;
    args.setStateValue("catalog", data.catalogId);
  }
  return cleanup;
}
