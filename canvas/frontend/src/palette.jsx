// The palette: the catalog's types grouped by category, dragged onto the board or added
// with a double-click; its search is a combobox. Typing lists the matches best first
// (search.js), the first one marked; Up and Down move the mark, Enter adds the marked type
// and clears the search for the next one, Escape clears it, and on an empty search hands
// the keyboard to the board (onLeave: the selected box, where C connects and arrows move).
import React, { memo, useId, useState } from "react";
import { rankMatches } from "./search.js";

export const TYPE_MIME = "application/x-whiteboard-type";

function describe(catalog) {
  return (id) => {
    const t = catalog.types[id];
    return { names: [id, t.label], words: [t.description, ...(t.technologies || [])] };
  };
}

export const Palette = memo(function Palette({ catalog, categories, onAdd, onLeave }) {
  const [query, setQuery] = useState("");
  const [marked, setMarked] = useState(0);
  const [focused, setFocused] = useState(false);
  const listId = useId();
  const q = query.trim();
  // searching: one list, best match first; otherwise the catalog by category
  const shown = q ? rankMatches(q, catalog.order, describe(catalog)) : catalog.order;
  const groups = q
    ? [{ id: "matches", label: null, items: shown }]
    : catalog.categoryOrder
        .map((cid) => ({
          id: cid,
          label: categories[cid]?.label || cid,
          items: shown.filter((t) => catalog.types[t].category === cid),
        }))
        .filter((g) => g.items.length);
  const flat = groups.flatMap((g) => g.items);
  const active = flat.length ? flat[Math.min(marked, flat.length - 1)] : null;
  const optionId = (t) => `${listId}-${t}`;
  const onKeyDown = (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!flat.length) return;
      const at = flat.indexOf(active) + (e.key === "ArrowDown" ? 1 : -1);
      setMarked((at + flat.length) % flat.length);
    } else if (e.key === "Enter" && active) {
      e.preventDefault();
      onAdd(active);
      setQuery("");
      setMarked(0);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      if (query) {
        setQuery("");
        setMarked(0);
      } else {
        onLeave?.();
      }
    }
  };
  return (
    <div className="wb-palette" data-testid="wb-palette">
      <input
        className="wb-search"
        role="combobox"
        aria-label="Search components (Enter adds the marked one)"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={active ? optionId(active) : undefined}
        aria-autocomplete="list"
        placeholder="Search components"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setMarked(0);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
      />
      <div id={listId} role="listbox" aria-label="Components">
        {groups.map((g) => (
          <div key={g.id} className="wb-group" role="group" aria-label={g.label || "Matches"}>
            {g.label ? <div className="wb-group-title" aria-hidden="true">{g.label}</div> : null}
            {g.items.map((t) => {
              const kind = catalog.types[t];
              const category = categories[kind.category] || {};
              const isActive = t === active && (!!q || focused);
              return (
                <div
                  key={t}
                  id={optionId(t)}
                  role="option"
                  aria-selected={isActive}
                  className={`wb-item${isActive ? " wb-item-active" : ""}`}
                  data-type={t}
                  draggable
                  title={`${kind.description}${kind.technologies?.length ? `\ne.g. ${kind.technologies.join(", ")}` : ""}\nDrag onto the board, or double-click to add.`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(TYPE_MIME, t);
                    e.dataTransfer.setData("text/plain", t);
                    e.dataTransfer.effectAllowed = "move";
                  }}
                  onDoubleClick={() => onAdd(t)}
                >
                  <span
                    className="wb-swatch"
                    style={{ background: category.fill, borderColor: category.border }}
                  />
                  {kind.label}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      {!shown.length ? <div className="wb-muted">No component matches “{query}”.</div> : null}
    </div>
  );
});
