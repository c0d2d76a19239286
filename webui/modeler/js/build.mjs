// Bundles the process modeler (bpmn-js + properties panel + our provider + bpmnlint rules)
// into webui/static/vendor/modeler/, served by Flask; never a CDN.
import { build } from 'esbuild';

const outdir = new URL('../../static/vendor/modeler/', import.meta.url).pathname;

await build({
  entryPoints: { modeler: 'src/index.js', 'modeler-style': 'src/index.css' },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020'],
  outdir,
  jsx: 'automatic',
  jsxImportSource: '@bpmn-io/properties-panel/preact',
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl', '.svg': 'dataurl' },
  logLevel: 'warning',
});
console.log(`modeler bundle written to ${outdir}`);
