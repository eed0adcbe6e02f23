// The board's toolbar: a strip of its own above the drawing area, so no box, handle or
// drag on the board is ever under a button. Each button names its shortcut (title and
// aria-keyshortcuts); the shortcuts themselves live in useShortcuts.js.
import React from "react";

const ariaKeys = (keys) => keys && keys.split(" or ").map((k) => k.replace(/Ctrl/g, "Control")).join(" ");

function Button({ action, label, title, keys, onClick, disabled, name }) {
  return (
    <button
      type="button"
      className="wb-button"
      onClick={onClick}
      // a click leaves the keyboard where it was (the box being moved, the board), so Space
      // next is the hand, not this button again; Tab still reaches every button
      onMouseDown={(e) => e.preventDefault()}
      data-action={action}
      title={keys ? `${title} (${keys})` : title}
      aria-label={name}
      aria-keyshortcuts={ariaKeys(keys)}
      disabled={disabled}
    >
      {label}
    </button>
  );
}

export function Toolbar({ canDelete, canConnect, focusMode, on }) {
  return (
    <div className="wb-toolbar" role="toolbar" aria-label="Board" data-testid="wb-toolbar">
      <Button action="undo" label="Undo" title="Undo" keys="Ctrl+Z" onClick={on.undo} />
      <Button action="redo" label="Redo" title="Redo" keys="Ctrl+Shift+Z or Ctrl+Y" onClick={on.redo} />
      <Button
        action="delete-selected"
        label="Delete"
        title="Delete the selection"
        keys="Delete"
        onClick={on.deleteSelected}
        disabled={!canDelete}
      />
      <span className="wb-toolbar-gap" />
      <Button action="note" label="Note" title="Add a sticky note" onClick={on.addNote} />
      <Button
        action="connect"
        label="Connect to…"
        title="Draw an arrow from the selected box to another"
        keys="C"
        onClick={on.connect}
        disabled={!canConnect}
      />
      <span className="wb-toolbar-gap" />
      <Button action="layout" label="Auto-layout" title="Lay the design out again" onClick={on.layout} />
      <Button action="fit" label="Fit" title="Fit the design in view" onClick={on.fit} />
      <Button action="zoom-out" label="−" name="Zoom out" title="Zoom out (or Ctrl+wheel)" onClick={on.zoomOut} />
      <Button action="zoom-in" label="+" name="Zoom in" title="Zoom in (or Ctrl+wheel)" onClick={on.zoomIn} />
      <span className="wb-toolbar-fill" />
      <Button
        action="focus"
        label={focusMode ? "Exit focus" : "Focus"}
        title={focusMode ? "Back to the page" : "Fill the window with the board: the wheel pans, Ctrl+wheel zooms"}
        keys={focusMode ? "Escape or F" : "F"}
        onClick={on.toggleFocus}
      />
    </div>
  );
}
