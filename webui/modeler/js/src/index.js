// The process modeler page (webui/modeler/templates/modeler/edit.html): bpmn-js with our
// properties panel and lint rules; saves go to the server, which validates exactly as loading.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';
import { layoutProcess } from 'bpmn-auto-layout';
import spiffworkflow from './spiffworkflow.json';
import dondocProvider from './provider';
import { lintConfig } from './lint';
import { protectLoopRefs, restoreLoopRefs } from './loop-refs';

const AUTOSAVE_MS = 2000;

async function withLayout(xml) {
  // Our diagrams are written by hand and may lack DI: lay them out on open.
  const safe = protectLoopRefs(xml);
  return /<(\w+:)?BPMNDiagram[\s>]/.test(safe) ? safe : layoutProcess(safe);
}

async function exportXml(modeler) {
  const { xml } = await modeler.saveXML({ format: true });
  return restoreLoopRefs(xml);
}

async function post(url, csrf, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

// bpmn-js's own texts in the page's language (the server sends the translations it has).
function translateModule(texts) {
  const translate = (template, replacements = {}) => (texts[template] || template)
    .replace(/{([^}]+)}/g, (_whole, key) => (key in replacements ? replacements[key] : `{${key}}`));
  return { translate: ['value', translate] };
}

// The whole diagram in view, clear of the palette on the left, of the lint button at the
// bottom and of the canvas's edges (fit-viewport alone puts the top row against the edge and
// the start under the palette).
function fitWithMargins(canvas) {
  const { inner, outer } = canvas.viewbox();
  const container = canvas.getContainer();
  const tools = container.querySelector('.djs-palette');
  const left = (tools ? tools.getBoundingClientRect().right - container.getBoundingClientRect().left : 0) + 16;  // px
  const top = 24;
  const bottom = 64;  // px: the lint button
  const scale = Math.min(1, (outer.width - left - top) / inner.width, (outer.height - top - bottom) / inner.height);
  canvas.viewbox({
    x: inner.x - left / scale, y: inner.y - top / scale, width: outer.width / scale, height: outer.height / scale,
  });
}

function start() {
  const phone = window.matchMedia('(max-width: 767.98px)');
  if (phone.matches) {  // the page says: not on a phone; turned wider, it opens the editor
    phone.addEventListener('change', () => window.location.reload(), { once: true });
    return;
  }
  const data = JSON.parse(document.getElementById('modeler-data').textContent);
  const t = data.labels;
  const status = document.getElementById('modeler-status');
  const problemList = document.getElementById('problems');
  const ruleset = {
    lanes: data.lanes, forms: data.forms, processes: data.processes, labels: t, deadlineForms: data.deadlineForms,
    roleNames: data.roleNames || {}, formTitles: data.formTitles || {}, processNames: data.processNames || {},
    urging: data.urging || {},
  };
  const modeler = new BpmnModeler({
    container: '#canvas',
    propertiesPanel: { parent: '#properties' },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, dondocProvider, lintModule,
      translateModule(data.bpmnTexts || {})],
    moddleExtensions: { spiffworkflow },
    linting: { bpmnlint: lintConfig(ruleset), active: true },
    dondoc: ruleset,
  });
  const canvas = modeler.get('canvas');
  let marked = [];
  let autosaveTimer = null;
  let lintCount = 0;
  let serverProblems = data.problems || [];  // null while a change waits for the server's check

  // "No problems" only when both the editor's rules and the server's check found none.
  function showCount() {
    const count = lintCount + (serverProblems || []).length;
    const text = serverProblems === null ? t.checking : (count ? `${count} ${t.lintIssues}` : t.lintClean);
    document.getElementById('lint-count').textContent = text;
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = `modeler-status ${kind || ''}`;
  }

  function showProblems(problems) {
    marked.forEach((id) => canvas.removeMarker(id, 'server-problem'));
    marked = [];
    problemList.replaceChildren();
    problems.forEach((problem) => {
      const item = document.createElement('li');
      item.dataset.element = problem.element || '';
      const where = problem.where ? `[${problem.where}] ` : '';  // its kind and name, not another tool's id
      item.textContent = `${problem.file}: ${where}${problem.message}`;
      const shape = problem.element && modeler.get('elementRegistry').get(problem.element);
      if (shape) {
        canvas.addMarker(problem.element, 'server-problem');
        marked.push(problem.element);
        item.tabIndex = 0;
        const show = () => {
          modeler.get('selection').select(shape);
          canvas.scrollToElement(shape);
        };
        item.addEventListener('click', show);
        item.addEventListener('keydown', (event) => { if (event.key === 'Enter') show(); });
      }
      problemList.appendChild(item);
    });
    document.getElementById('problems-box').hidden = problems.length === 0;
  }

  function showWarnings(warnings) {
    const list = document.getElementById('warnings');
    list.replaceChildren(...warnings.map((warning) => {
      const item = document.createElement('li');
      item.textContent = `${warning.file}: ${warning.message}`;
      return item;
    }));
    document.getElementById('warnings-box').hidden = warnings.length === 0;
  }

  async function show(xml) {
    await modeler.importXML(await withLayout(xml));
    fitWithMargins(canvas);
  }

  // A save or an upload answered: go to the new version, or show what is wrong.
  function answered(result) {
    showWarnings(result.data.warnings || []);
    if (result.status === 200 && result.data.ok) {
      showProblems([]);
      say(`${t.savedAs} ${result.data.number}`, 'ok');
      window.location.assign(result.data.versionUrl);
    } else if (result.status === 409) {
      window.location.reload();  // the page shows the disk conflict and the choices
    } else {
      serverProblems = result.data.problems || [];
      showProblems(serverProblems);
      showCount();
      say(result.data.error || t.refused, 'error');
    }
  }

  // The server checks the kept draft as a save would: its problems are the live check's.
  async function autosave() {
    const xml = await exportXml(modeler);
    const result = await post(data.autosaveUrl, data.csrf, { xml });
    say(result.status === 200 ? t.draftKept : (result.data.error || t.saveFailed), result.status === 200 ? '' : 'error');
    if (result.status === 200) {
      serverProblems = result.data.problems || [];
      showProblems(serverProblems);
      showCount();
    }
  }

  async function save() {
    clearTimeout(autosaveTimer);
    const xml = await exportXml(modeler);
    const comment = document.getElementById('comment').value;
    const target = document.getElementById('target').value;
    say(t.checking);
    answered(await post(data.saveUrl, data.csrf, { xml, comment, target }));
  }

  // The server decodes the file (any declared encoding) and checks it as a save; the canvas
  // then shows the file as the server read it, with its problems.
  async function upload(event) {
    const file = event.target.files[0];
    if (!file) return;
    clearTimeout(autosaveTimer);
    const form = new FormData();
    form.append('file', file);
    form.append('comment', document.getElementById('comment').value);
    form.append('target', document.getElementById('target').value);
    say(t.uploading);
    const response = await fetch(data.uploadUrl, {
      method: 'POST', headers: { 'X-CSRFToken': data.csrf }, body: form, credentials: 'same-origin',
    });
    const result = { status: response.status, data: await response.json().catch(() => ({})) };
    event.target.value = '';
    if (result.data.xml) {  // refused: show the file as read, with its problems
      try {
        await show(result.data.xml);
      } catch (error) {
        say(`${t.openFailed}: ${error.message}`, 'error');
        return;
      }
    } else if (!result.data.ok) {
      say(result.data.error || t.uploadFailed, 'error');
      return;
    }
    answered(result);
  }

  // Download what the canvas shows: keep it in the draft first, then fetch the draft's file.
  async function download(event) {
    event.preventDefault();
    clearTimeout(autosaveTimer);
    await autosave();
    window.location.assign(data.downloadUrl);
  }

  modeler.on('commandStack.changed', () => {
    say(t.unsaved);
    serverProblems = null;  // unknown until the server has checked the change
    showCount();
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, AUTOSAVE_MS);
  });
  modeler.on('linting.completed', ({ issues }) => {
    lintCount = Object.values(issues).reduce((n, list) => n + list.length, 0);
    showCount();
  });
  document.getElementById('save').addEventListener('click', save);
  document.getElementById('upload-file').addEventListener('change', upload);
  document.getElementById('download').addEventListener('click', download);

  show(data.xml)
    .then(() => {
      showProblems(data.problems || []);
      showWarnings(data.warnings || []);
      say(t.ready);
      document.body.dataset.modelerReady = 'true';
    })
    .catch((error) => say(`${t.openFailed}: ${error.message}`, 'error'));
  window.dondocModeler = modeler;
}

document.addEventListener('DOMContentLoaded', start);
