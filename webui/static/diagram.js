// The process diagram of an assignment with its current position highlighted. Diagrams
// without DI (hand-written BPMN) are laid out in the browser by bpmn-auto-layout first.
// When the work happens in a called process, tabs switch between the processes running.
(function () {
  var box = document.getElementById('diagram');
  if (!box) return;
  var tabs = document.getElementById('diagram-tabs');
  var viewer = null;

  function failed() {
    box.textContent = box.dataset.error;
    box.dataset.state = 'error';
  }

  // The viewer's one text (the title of a sub-process's "open" button) in the page's language.
  function translation() {
    var open = box.dataset.openLabel;
    function translate(template, replacements) {
      var text = template === 'Open {element}' && open ? open : template;
      return text.replace(/{([^}]+)}/g, function (whole, key) {
        return replacements && key in replacements ? replacements[key] : whole;
      });
    }
    return {translate: ['value', translate]};
  }

  function withLayout(xml) {
    if (xml.indexOf('BPMNDiagram') !== -1 || !window.BpmnAutoLayout) return Promise.resolve(xml);
    return window.BpmnAutoLayout.layoutProcess(xml);
  }

  function showTabs(data) {
    tabs.textContent = '';
    if (data.processes.length < 2) return;
    data.processes.forEach(function (p) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'tab' + (p.id === data.process ? ' active' : '');
      button.textContent = p.name;  // text, never HTML: names come from diagrams
      button.addEventListener('click', function () { load(p.id); });
      tabs.appendChild(button);
    });
  }

  // Wide, flat diagrams get a lower box so that fitting them does not shrink them to nothing.
  function fitHeight(canvas) {
    canvas.zoom('fit-viewport');
    var inner = canvas.viewbox().inner;
    var wanted = box.clientWidth * inner.height / Math.max(inner.width, 1) + 60;
    box.style.height = Math.round(Math.max(220, Math.min(600, wanted))) + 'px';
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
  }

  function load(processId) {
    box.dataset.state = 'loading';
    var url = box.dataset.url + (processId ? '?process=' + encodeURIComponent(processId) : '');
    fetch(url, {credentials: 'same-origin'})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        showTabs(data);
        return withLayout(data.xml).then(function (xml) {
          if (!viewer) viewer = new window.BpmnJS({container: box, additionalModules: [translation()]});
          return viewer.importXML(xml).then(function () {
            var canvas = viewer.get('canvas');
            var registry = viewer.get('elementRegistry');
            data.done.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, 'passed'); });
            data.active.forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, 'current'); });
            fitHeight(canvas);
            box.dataset.state = 'ready';
          });
        });
      })
      .catch(failed);
  }

  if (!window.BpmnJS) { failed(); return; }
  load(null);
})();
