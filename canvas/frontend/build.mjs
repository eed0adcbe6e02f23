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
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
console.log(`built ${out}/canvas.js and canvas.css in ${Date.now() - started} ms`);
