// "Connect to…": the keyboard's way to draw an arrow. With one box selected, a small dialog
// lists the other boxes (those it does not point to yet), searchable as the palette is
// (search.js): Up and Down mark one, Enter draws the arrow from the selected box to it
// through the board's onConnect (the drag's path: undoable, saved, checked), Escape closes.
// Focus goes back where it came from.
import React, { useEffect, useId, useRef, useState } from "react";
import { rankMatches } from "./search.js";

export function ConnectTo({ source, targets, describe, onPick, onClose }) {
  const [query, setQuery] = useState("");
  const [marked, setMarked] = useState(0);
  const input = useRef(null);
  const listId = useId();
  useEffect(() => {
    input.current?.focus({ preventScroll: true });
  }, []);
  const shown = rankMatches(query.trim(), targets, (t) => {
    const d = describe(t);
    return { names: [t.id, d.label, d.typeLabel], words: [] };
  });
  const active = shown.length ? shown[Math.min(marked, shown.length - 1)] : null;
  const optionId = (t) => `${listId}-${t.id}`;
  const sourceLabel = describe(source).label;
  const onKeyDown = (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!shown.length) return;
      const at = shown.indexOf(active) + (e.key === "ArrowDown" ? 1 : -1);
      setMarked((at + shown.length) % shown.length);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (active) onPick(active.id);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation(); // closes the dialog, not focus mode
      onClose();
    } else if (e.key === "Tab") {
      e.preventDefault(); // the dialog keeps the keyboard until Enter or Escape
    }
  };
  return (
    <div
      className="wb-connect nowheel nopan"
      role="dialog"
      aria-label={`Connect ${sourceLabel} to…`}
      data-testid="wb-connect"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget)) onClose({ keepFocus: true });
      }}
    >
      <div className="wb-panel-title">Connect {sourceLabel} to…</div>
      <input
        ref={input}
        className="wb-search"
        role="combobox"
        aria-label="Search the box to connect to (Enter draws the arrow)"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={active ? optionId(active) : undefined}
        aria-autocomplete="list"
        placeholder="Search boxes"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setMarked(0);
        }}
        onKeyDown={onKeyDown}
      />
      <div id={listId} role="listbox" aria-label="Boxes" className="wb-connect-list">
        {shown.map((t) => {
          const d = describe(t);
          return (
            <div
              key={t.id}
              id={optionId(t)}
              role="option"
              aria-selected={t === active}
              className={`wb-item${t === active ? " wb-item-active" : ""}`}
              data-target={t.id}
              onMouseDown={(e) => e.preventDefault()} // keep the focus in the search
              onClick={() => onPick(t.id)}
            >
              <span className="wb-connect-label">{d.label}</span>
              <span className="wb-muted">{t.id === d.label ? d.typeLabel : t.id}</span>
            </div>
          );
        })}
        {!shown.length ? (
          <div className="wb-muted">{targets.length ? `No box matches “${query}”.` : "No other box to connect to."}</div>
        ) : null}
      </div>
      <div className="wb-muted wb-connect-help">↑ ↓ choose · Enter connect · Esc close</div>
    </div>
  );
}
