// Where a box added without a pointer (Enter in the palette, a double-click on it, a sticky
// note) goes: the free spot nearest to where the user is looking, never on top of another
// box. Plain numbers in, plain numbers out (flow coordinates).
//
// freeSpot(boxes, start, size, view):
//   boxes  [{x, y, width, height}]  what the board already holds
//   start  {x, y}                   the top-left corner the box would take if it were free
//   size   {width, height}          the new box
//   view   {x, y, width, height}    the visible part of the board, or null
// Candidates lie on a grid of box-sized cells around `start`, nearest first (to the right,
// then the left, then below and above, as a pipeline reads); the first that overlaps no box
// (with a gap) and lies inside the view wins; none in view: the first free one anywhere.

const GAP = 24;
const RINGS = 8;

function overlaps(a, b, gap) {
  return (
    a.x < b.x + b.width + gap &&
    b.x < a.x + a.width + gap &&
    a.y < b.y + b.height + gap &&
    b.y < a.y + a.height + gap
  );
}

function inside(box, view) {
  return (
    box.x >= view.x &&
    box.y >= view.y &&
    box.x + box.width <= view.x + view.width &&
    box.y + box.height <= view.y + view.height
  );
}

function cells() {
  const out = [];
  for (let dy = -RINGS; dy <= RINGS; dy += 1) {
    for (let dx = -RINGS; dx <= RINGS; dx += 1) out.push([dx, dy]);
  }
  const key = ([dx, dy]) => [dx * dx + dy * dy, Math.abs(dy), -dx, -dy];
  return out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
}
const CELLS = cells();

export function freeSpot(boxes, start, size, view = null) {
  const stepX = size.width + GAP;
  const stepY = size.height + GAP;
  let firstFree = null;
  for (const [dx, dy] of CELLS) {
    const spot = { x: start.x + dx * stepX, y: start.y + dy * stepY, width: size.width, height: size.height };
    if (boxes.some((b) => overlaps(spot, b, GAP / 2))) continue;
    if (!view || inside(spot, view)) return { x: spot.x, y: spot.y };
    if (!firstFree) firstFree = { x: spot.x, y: spot.y };
  }
  return firstFree || { x: start.x, y: start.y };
}

// The box a node takes on the board: measured once drawn, else about a box's size.
export function nodeBox(node, fallback = { width: 160, height: 48 }) {
  return {
    x: node.position.x,
    y: node.position.y,
    width: node.measured?.width ?? node.width ?? fallback.width,
    height: node.measured?.height ?? node.height ?? fallback.height,
  };
}
