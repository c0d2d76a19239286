// How the editor reads expressions (src/deadline-shapes.js), for the description and the
// [target, expression] cases given as JSON on stdin; prints the shapes (null: raw) as JSON.
// Used by tests/modeler/test_deadline_editor.py to hold the browser to the server's reading.
import fs from 'node:fs';
import { parse, render } from './src/deadline-shapes.js';

const { forms, cases } = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(cases.map(([target, text]) => {
  const shape = parse(forms, text, target);
  return shape && { shape, rendered: render(forms, shape, target) };
})));
