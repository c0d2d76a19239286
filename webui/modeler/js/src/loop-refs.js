// SpiffWorkflow reads <loopDataInputRef>/<loopDataOutputRef> of a multi-instance activity as
// task-data variable names, but BPMN (and so bpmn-moddle) reads them as references to element
// ids and drops any it cannot resolve. Before opening, each such name gets a stand-in data
// object with that id; before saving, the stand-ins are removed again.
const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const MARK = 'dondoc-loop-variable';

function bpmnPrefix(xml) {
  const match = new RegExp(`xmlns:([\\w.-]+)="${BPMN_NS}"`).exec(xml);
  return match ? `${match[1]}:` : '';
}

export function protectLoopRefs(xml) {
  const prefix = bpmnPrefix(xml);
  const ids = new Set([...xml.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  const refs = new RegExp(`<${prefix}loopData(?:Input|Output)Ref>\\s*([A-Za-z_][\\w.-]*)\\s*</`, 'g');
  const names = [...new Set([...xml.matchAll(refs)].map((m) => m[1]))].filter((name) => !ids.has(name));
  if (!names.length) return xml;
  const standIns = names.map((name) => `<${prefix}dataObject id="${name}" name="${MARK}" />`).join('');
  return xml.replace(new RegExp(`(<${prefix}process\\b[^>]*>)`), `$1${standIns}`);
}

export function restoreLoopRefs(xml) {
  return xml.replace(new RegExp(`\\s*<[\\w.-]*:?dataObject id="[^"]+" name="${MARK}"\\s*/>`, 'g'), '');
}
