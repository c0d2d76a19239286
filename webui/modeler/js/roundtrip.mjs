// What the modeler does to a diagram it opens and saves untouched (protect loop refs → lay
// out when there is no DI → bpmn-moddle read/write with our extension → restore), for files
// given on the command line; prints {path: xml} as JSON. Used by tests/modeler/test_roundtrip.py.
import fs from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
import { layoutProcess } from 'bpmn-auto-layout';
import { protectLoopRefs, restoreLoopRefs } from './src/loop-refs.js';

const spiffworkflow = JSON.parse(fs.readFileSync(new URL('./src/spiffworkflow.json', import.meta.url)));
const result = {};
for (const path of process.argv.slice(2)) {
  let xml = protectLoopRefs(fs.readFileSync(path, 'utf8'));
  if (!/<(\w+:)?BPMNDiagram[\s>]/.test(xml)) xml = await layoutProcess(xml);
  const moddle = new BpmnModdle({ spiffworkflow });
  const { rootElement } = await moddle.fromXML(xml);
  result[path] = restoreLoopRefs((await moddle.toXML(rootElement, { format: true })).xml);
}
process.stdout.write(JSON.stringify(result));
