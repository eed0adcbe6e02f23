// Bundles src/ into one JS and one CSS file for the Streamlit component's asset_dir.
// `make frontend` runs this; the output is committed so the app needs no Node.
import { build } from "esbuild";

const out = "../whiteboard_canvas/static";
const started = Date.now();
await build({
  entryPoints: { canvas: "src/index.jsx" },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  outdir: out,
  legalComments: "eof",
  banner: {
    js:
      "/*! Whiteboard canvas. Bundles React Flow (@xyflow/react, @xyflow/system: MIT, " +
      "Copyright (c) 2019-2025 webkid GmbH, https://reactflow.dev), React and ReactDOM " +
      "(MIT, Meta Platforms), zustand, classcat and d3 modules (MIT / ISC). */",
    css: "/*! React Flow styles: MIT, Copyright (c) 2019-2025 webkid GmbH */",
  },
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
console.log(`built ${out}/canvas.js and canvas.css in ${Date.now() - started} ms`);
