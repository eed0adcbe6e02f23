// Fitting the design in view at a size its labels can be read at (issue 21).
//
// The rule comes from Python (components/board.py FIT_RULE, sent as data.fit), which
// computes the same arithmetic for the report's board height and bench/layout_labels.py:
//   - the whole design, with `padding` (a share of the board, as React Flow's fitView),
//     centred, at most `maxZoom`;
//   - where that zoom is under `minZoom` (labels under 11 px), the design's width instead,
//     never under `minZoom`, from its top (and its left edge when even the width does not
//     fit): the user pans the rest, and a minimap shows where they are.
import { useCallback, useState } from "react";
import { useReactFlow, useStoreApi } from "@xyflow/react";

export function readableViewport(bounds, width, height, rule) {
  const usableW = width / (1 + rule.padding);
  const usableH = height / (1 + rule.padding);
  const clamp = (z) => Math.max(rule.minZoom, Math.min(rule.maxZoom, z));
  const whole = Math.min(usableW / bounds.width, usableH / bounds.height);
  const pans = whole < rule.minZoom;
  const zoom = clamp(pans ? usableW / bounds.width : whole);
  const centre = (size, start, length) => size / 2 - (start + length / 2) * zoom;
  const padX = (width - usableW) / 2;
  const padY = (height - usableH) / 2;
  const x = bounds.width * zoom <= usableW ? centre(width, bounds.x, bounds.width) : padX - bounds.x * zoom;
  const y = pans ? padY - bounds.y * zoom : centre(height, bounds.y, bounds.height);
  return { viewport: { x, y, zoom }, pans };
}

// Two frames on: React has committed new nodes and React Flow has measured them.
export function afterMeasuring(fn) {
  requestAnimationFrame(() => requestAnimationFrame(fn));
}

// fit({duration}) applies the rule to the nodes shown; `pans` says whether the last fit
// left part of the design out of view.
export function useReadableFit(rule) {
  const rf = useReactFlow();
  const store = useStoreApi();
  const [pans, setPans] = useState(false);
  const fit = useCallback(
    (options = {}) => {
      const { width, height } = store.getState();
      const nodes = rf.getNodes();
      if (!rule || !nodes.length || !width || !height) return;
      const bounds = rf.getNodesBounds(nodes);
      if (!bounds.width || !bounds.height) return;
      const found = readableViewport(bounds, width, height, rule);
      rf.setViewport(found.viewport, { duration: options.duration || 0 });
      setPans(found.pans);
    },
    [rf, store, rule],
  );
  return [fit, pans];
}
