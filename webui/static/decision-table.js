// The decision-table editor (modeler/decision_file.html): dmn-js's table view of the draft's
// DMN file. Edits are kept in the draft as they are made; "save" sends the table to the
// modeler's save route, which checks the whole bundle as loading does and answers with the
// problems, each naming the cell (entry id) it is about.
(function () {
  'use strict';
  var AUTOSAVE_MS = 2000;
  // SpiffWorkflow evaluates cells as Python, not FEEL: plain text cells, without dmn-js's FEEL
  // editor (it would underline every Python call) and without writing expressionLanguage.
  var PYTHON = { options: [{ value: 'python', label: 'Python' }], defaults: { editor: 'python' } };

  // dmn-js's own texts in the page's language (the server sends the translations it has).
  function translateModule(texts) {
    function translate(template, replacements) {
      return (texts[template] || template).replace(/{([^}]+)}/g, function (whole, key) {
        return replacements && key in replacements ? replacements[key] : whole;
      });
    }
    return { translate: ['value', translate] };
  }

  // dmn-js writes the title of a column's drag handle ("Move Input") without its translate
  // service: the page puts the translation in as the handles are drawn.
  function translateDragTitles(box, texts) {
    function fix() {
      box.querySelectorAll('.dmn-icon-drag[title^="Move "]').forEach(function (handle) {
        if (texts[handle.title]) handle.title = texts[handle.title];
      });
    }
    new MutationObserver(fix).observe(box, { subtree: true, childList: true, attributes: true, attributeFilter: ['title'] });
    fix();
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // dmn-js as the page uses it (tests/modeler/test_decision_tables.py opens the shipped tables with it).
  function create(container, texts) {
    return new window.DmnJS({
      container: container,
      common: { expressionLanguages: PYTHON },
      decisionTable: { additionalModules: [translateModule(texts)] },  // (dmn-js drops common's modules)
    });
  }

  // Open `xml` in dmn-js on the decision table of its (only) decision.
  function open(editor, xml) {
    return editor.importXML(xml).then(function () {
      var table = editor.getViews().filter(function (view) { return view.type === 'decisionTable'; })[0];
      if (!table) throw new Error('no decision table');
      return editor.open(table);
    });
  }

  function start() {
    var data = JSON.parse(document.getElementById('modeler-data').textContent);
    var t = data.labels;
    var status = document.getElementById('modeler-status');
    var box = document.getElementById('decision-table');
    var editor = create(box, data.dmnTexts || {});
    translateDragTitles(box, data.dmnTexts || {});
    var autosaveTimer = null;
    var problems = data.problems || [];

    function say(text, kind) {
      status.textContent = text;
      status.className = 'modeler-status ' + (kind || '');
    }

    // A rule's cell, or a column's head (a problem with its input expression).
    function cellOf(problem) {
      if (!problem.element) return null;
      var id = CSS.escape(problem.element);
      return box.querySelector('td[data-element-id="' + id + '"], th[data-col-id="' + id + '"]');
    }

    // Outline the cells the problems are about (again after each re-render of the table).
    function markCells() {
      box.querySelectorAll('.server-problem').forEach(function (cell) { cell.classList.remove('server-problem'); });
      problems.forEach(function (problem) {
        var cell = cellOf(problem);
        if (cell) cell.classList.add('server-problem');
      });
    }

    function showProblems(list) {
      problems = list;
      var items = document.getElementById('problems');
      items.replaceChildren();
      list.forEach(function (problem) {
        var item = document.createElement('li');
        item.dataset.element = problem.element || '';
        item.textContent = problem.file + ': ' + problem.message;  // the message names the rule and column
        item.tabIndex = 0;
        function show() {
          var cell = cellOf(problem);
          if (!cell) return;
          cell.scrollIntoView({ block: 'center' });
          var text = cell.querySelector('[contenteditable]');
          if (text) text.focus();
        }
        item.addEventListener('click', show);
        item.addEventListener('keydown', function (event) { if (event.key === 'Enter') show(); });
        items.appendChild(item);
      });
      document.getElementById('problems-box').hidden = list.length === 0;
      markCells();
    }

    function currentXml() {
      return editor.saveXML({ format: true }).then(function (result) { return result.xml; });
    }

    function autosave() {
      return currentXml().then(function (xml) {
        return post(data.autosaveUrl, data.csrf, { xml: xml });
      }).then(function (result) {
        var ok = result.status === 200;
        say(ok ? t.draftKept : (result.data.error || t.saveFailed), ok ? '' : 'error');
      });
    }

    function save() {
      clearTimeout(autosaveTimer);
      say(t.checking);
      return currentXml().then(function (xml) {
        return post(data.saveUrl, data.csrf, {
          xml: xml, comment: document.getElementById('comment').value,
          target: document.getElementById('target').value,
        });
      }).then(answered);
    }

    // The new version's page, the disk conflict's choices (on reload), or the problems here.
    function answered(result) {
      var saved = result.status === 200 && result.data.ok;
      if (result.status === 409) return window.location.reload();
      if (!saved) showProblems(result.data.problems || []);
      say(saved ? t.savedAs + ' ' + result.data.number : result.data.error || t.refused, saved ? 'ok' : 'error');
      if (saved) window.location.assign(result.data.versionUrl);
    }

    // Download what the table shows: keep it in the draft first, then fetch the draft's file.
    function download(event) {
      event.preventDefault();
      clearTimeout(autosaveTimer);
      autosave().then(function () { window.location.assign(data.downloadUrl); });
    }

    function changed() {
      say(t.unsaved);
      clearTimeout(autosaveTimer);
      autosaveTimer = setTimeout(autosave, AUTOSAVE_MS);
    }

    open(editor, data.xml).then(function () {
      var events = editor.getActiveViewer().get('eventBus');
      events.on('commandStack.changed', changed);
      events.on('elements.changed', function () { setTimeout(markCells); });
      showProblems(problems);
      say(t.ready);
      document.body.dataset.modelerReady = 'true';
    }).catch(function (error) { say(t.openFailed + ': ' + error.message, 'error'); });
    document.getElementById('save').addEventListener('click', save);
    document.getElementById('download').addEventListener('click', download);
    window.dondocDecisions = editor;
  }

  window.DondocDecisionTable = { create: create, open: open };
  document.addEventListener('DOMContentLoaded', function () {
    if (document.getElementById('modeler-data')) start();
  });
}());
