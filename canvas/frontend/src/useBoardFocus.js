// Where the user is working: on the board or on the page around it.
//
// - engaged: the last click or focus was inside the board (a click on it, Tab into it).
//   Then the wheel over the board pans it and its shortcuts answer; otherwise the wheel
//   scrolls the page past the board (a 600 px board in a 900 px window is otherwise a
//   wall), and Ctrl+wheel (a pinch) still zooms it. A click or focus elsewhere ends it.
// - focusMode: the board fills the window (position: fixed over Streamlit's page, whose
//   ancestors of the component hold no transform); it is engaged throughout, and the wheel
//   never scrolls the page behind it. Kept over a remount of the component.
// `owns(event)` says whether a key event is the board's: in focus mode, from inside it, or
// while engaged (a deleted box takes the focus with it to the page's body).
import { useCallback, useEffect, useRef, useState } from "react";

const FOCUSED = new Set(); // boardKeys in focus mode

// where a wheel may scroll inside the board in focus mode (the rest would reach the page)
const SCROLLERS = ".wb-palette, .wb-panel-body, .wb-connect-list, .wb-note-input";

export function useBoardFocus(wrapper, { enabled, boardKey }) {
  const [engaged, setEngaged] = useState(false);
  const [focusMode, setFocus] = useState(() => enabled && !!boardKey && FOCUSED.has(boardKey));
  const now = useRef({ engaged, focusMode });
  now.current = { engaged, focusMode };

  const within = useCallback((event) => !!wrapper.current && event.composedPath().includes(wrapper.current), []);

  const setFocusMode = useCallback(
    (on) => {
      if (boardKey) {
        if (on) FOCUSED.add(boardKey);
        else FOCUSED.delete(boardKey);
      }
      setFocus(on);
    },
    [boardKey],
  );

  useEffect(() => {
    if (!enabled) return undefined;
    const follow = (event) => {
      const inside = within(event);
      if (inside !== now.current.engaged) setEngaged(inside);
    };
    // A click on the board's plain parts hands the focus to the page's focusable
    // container around it (Streamlit's main, tabindex 0): that says nothing new.
    const followFocus = (event) => {
      const target = event.composedPath()[0];
      const board = wrapper.current;
      const host = board?.getRootNode()?.host || board;
      if (target && target !== board && target.contains?.(host)) return;
      follow(event);
    };
    document.addEventListener("pointerdown", follow, true);
    document.addEventListener("focusin", followFocus, true);
    return () => {
      document.removeEventListener("pointerdown", follow, true);
      document.removeEventListener("focusin", followFocus, true);
    };
  }, [enabled]);

  useEffect(() => {
    const root = wrapper.current;
    if (!focusMode || !root) return undefined;
    const hold = (event) => {
      if (!event.target.closest?.(SCROLLERS)) event.preventDefault();
    };
    root.addEventListener("wheel", hold, { passive: false });
    return () => root.removeEventListener("wheel", hold);
  }, [focusMode]);

  const owns = useCallback(
    (event) => now.current.focusMode || now.current.engaged || within(event),
    [],
  );
  return { engaged: engaged || focusMode, focusMode, setFocusMode, owns };
}
