// How a typed query ranks the things it can pick (the palette's types, Connect to…'s boxes):
// what Enter takes is the best match, so "ranker" adds a Ranker, not a Pre-ranker that
// happens to come first in the catalog.
//
// A thing is described by its names (id, label: what a user calls it) and its other words
// (description, technologies: what it is about). Best first:
//   0  a name is the query                      "ranker" -> Ranker
//   1  a name starts with the query             "rank"   -> Ranker, "feature s" -> Feature store
//   2  a word of a name starts with the query   "ranker" -> Pre-ranker, Re-ranker
//   3  a name contains the query                "anker"  -> Ranker
//   4  only the other words contain it          "lightgbm" -> Ranker
// Ties keep the given order (the catalog's). No match: left out.

const normal = (text) =>
  String(text || "")
    .toLowerCase()
    .replace(/[_\s]+/g, " ")
    .trim();

export function matchRank(query, names, words = []) {
  const q = normal(query);
  if (!q) return 0;
  const shown = names.map(normal).filter(Boolean);
  if (shown.some((n) => n === q)) return 0;
  if (shown.some((n) => n.startsWith(q))) return 1;
  if (shown.some((n) => n.split(/[^a-z0-9]+/).some((w, i, all) => i > 0 && all.slice(i).join(" ").startsWith(q))))
    return 2;
  if (shown.some((n) => n.includes(q))) return 3;
  if (words.map(normal).join(" ").includes(q)) return 4;
  return null;
}

// items: anything; describe(item) -> {names, words}. Returns the matching items, best first.
export function rankMatches(query, items, describe) {
  return items
    .map((item, index) => {
      const { names, words } = describe(item);
      return { item, index, rank: matchRank(query, names, words) };
    })
    .filter((m) => m.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((m) => m.item);
}
