// The board's keyboard, answered whenever the board owns the key (useBoardFocus's `owns`:
// focus in the board or on one of its controls, the last click on it, or focus mode):
//   Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z and Ctrl+Y redo, C connect the selected box to…,
//   F focus mode on and off, Escape out of focus mode, Space held: the hand (`panning`, a
//   drag anywhere pans, over a box too, and the page does not scroll).
// Typing in a field keeps the field's own keys (its undo, its Escape). React Flow keeps
// its own: Delete, arrows to move the selected boxes, Enter or Space to select.
import { useEffect, useRef, useState } from "react";

export function isTyping(event) {
  const target = event.composedPath?.()?.[0] || event.target;
  if (!target || target.nodeType !== 1) return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(target.nodeName) || target.isContentEditable;
}

export function useShortcuts({ enabled, owns, focusMode, actions }) {
  const latest = useRef({ actions, focusMode });
  latest.current = { actions, focusMode };
  const [panning, setPanning] = useState(false);
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (event) => {
      if (event.defaultPrevented || !owns(event) || isTyping(event)) return;
      if (event.key === " ") {
        const target = event.composedPath()[0];
        if (target?.nodeName === "BUTTON") return; // Space presses a button
        event.preventDefault();
        setPanning(true);
        return;
      }
      const { actions: act, focusMode: focused } = latest.current;
      const key = event.key.toLowerCase();
      if ((event.ctrlKey || event.metaKey) && !event.altKey) {
        if (key === "z" && !event.shiftKey) act.undo();
        else if ((key === "z" && event.shiftKey) || key === "y") act.redo();
        else return;
        event.preventDefault();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (key === "escape" && focused) act.leaveFocus();
      else if (key === "f") act.toggleFocus();
      else if (key === "c" && !event.shiftKey) act.connect();
      else return;
      event.preventDefault();
    };
    const onUp = (event) => {
      if (event.key === " ") setPanning(false);
    };
    const stop = () => setPanning(false);
    document.addEventListener("keydown", onKey);
    document.addEventListener("keyup", onUp);
    window.addEventListener("blur", stop);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("keyup", onUp);
      window.removeEventListener("blur", stop);
    };
  }, [enabled, owns]);
  return { panning };
}
