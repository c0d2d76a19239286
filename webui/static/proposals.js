// Register a directive: assignments proposed from the pasted text or the attached document, and the
// header fields left empty filled from the text's own header.
// Each proposal becomes an ordinary assignment row (one per lead unit) with the sentence it came
// from shown above it; the clerk corrects or removes rows and nothing is stored until the form
// is submitted.
(function () {
  var panel = document.getElementById('proposals');
  if (!panel) return;
  var form = document.getElementById('register');
  var list = document.getElementById('assignments');
  var status = document.getElementById('proposal-status');
  var MAX_ROWS = Number(panel.dataset.maxRows);  // webui/directives/routes.py MAX_ASSIGNMENTS

  function blank(row) {
    return row.querySelector('textarea').value.trim() === '' && !row.querySelector('select').value;
  }

  function sourceNote(proposal) {
    var note = document.createElement('p');
    note.className = 'proposal-source';
    var label = document.createElement('strong');
    label.textContent = panel.dataset.sourceLabel + ' ';
    var quote = document.createElement('q');
    quote.textContent = proposal.source;
    var deadline = document.createElement('small');
    deadline.className = 'proposal-deadline';
    deadline.textContent = panel.dataset.deadlineLabel + ' ' + proposal.deadline.label
      + (proposal.deadline.display ? ' ' + proposal.deadline.display : '');
    note.append(label, quote, document.createElement('br'), deadline);
    return note;
  }

  // A unit the list lacks (one in force on an older directive's date, not today) is added to it, named; one
  // closed since as the page lists it (#former-units: marked with its last day, register.js).
  var formerList = document.getElementById('former-units');
  var former = {};
  (formerList ? JSON.parse(formerList.textContent) : []).forEach(function (unit) { former[unit.code] = unit; });
  function offer(select, unit) {
    var known = Array.prototype.some.call(select.options, function (opt) { return opt.value === unit.code; });
    if (known) return;
    var closed = former[unit.code];
    var opt = new Option(closed ? closed.label : unit.name, unit.code);
    if (closed) {
      opt.dataset.to = closed.to;
      if (closed.from) opt.dataset.from = closed.from;
    }
    select.add(opt);
  }

  function addRow(proposal, lead) {
    document.getElementById('add-row').click();
    var row = list.lastElementChild;
    row.classList.add('proposed');
    row.querySelector('textarea').value = proposal.content;
    var leadSelect = row.querySelector('select[name$="-lead_unit"]');
    offer(leadSelect, lead);
    leadSelect.value = lead.code;
    var coordinatingSelect = row.querySelector('select[name$="-coordinating_units"]');
    proposal.coordinating_units.forEach(function (unit) { offer(coordinatingSelect, unit); });
    var coordinating = proposal.coordinating_units.map(function (u) { return u.code; });
    coordinatingSelect.querySelectorAll('option').forEach(function (opt) {
      opt.selected = coordinating.indexOf(opt.value) >= 0;
    });
    if (proposal.deadline.display) row.querySelector('input[name$="-deadline"]').value = proposal.deadline.display;
    if (proposal.deadline.working_days !== null) {
      var days = row.querySelector('input[name$="-deadline_days"]');
      days.value = proposal.deadline.working_days;
      days.dispatchEvent(new Event('input', {bubbles: true}));
    }
    row.querySelector('legend').after(sourceNote(proposal));
    // sent with the form, so that a refused form shows each row's sentence again (_assignments.html)
    var source = document.createElement('input');
    source.type = 'hidden';
    source.name = row.querySelector('textarea').name.replace(/content$/, 'source');
    source.value = proposal.source;
    row.append(source);
  }

  function show(data) {
    var rows = [];
    data.proposals.forEach(function (p) { p.lead_units.forEach(function (lead) { rows.push([p, lead]); }); });
    var before = Array.prototype.slice.call(list.querySelectorAll('fieldset.assignment'));
    var room = MAX_ROWS - before.filter(function (r) { return !blank(r); }).length;
    rows.slice(0, room).forEach(function (pair) { addRow(pair[0], pair[1]); });
    if (rows.length) before.filter(blank).forEach(function (row) { row.remove(); });
    list.querySelectorAll('fieldset.assignment .seq').forEach(function (el, i) { el.textContent = i + 1; });
    list.dispatchEvent(new Event('change'));
    status.textContent = rows.length > room ? panel.dataset.cutLabel
      : rows.length ? panel.dataset.foundLabel : panel.dataset.noneLabel;
  }

  // The header parts read from the text fill the header fields the clerk left empty (never one typed in), each
  // with the words it was read from below it; the clerk checks them and registers as before. A field still
  // holding what an earlier text gave is the next text's to fill (or to empty, where it gives none).
  var HEADER_FIELDS = ['symbol', 'issued_on', 'issuer', 'summary'];
  function fillHeader(header) {
    form.querySelectorAll('.header-source').forEach(function (note) { note.remove(); });
    HEADER_FIELDS.forEach(function (name) {
      var input = form.elements[name], found = header[name];
      if (!input) return;
      var untouched = input.dataset.fromText !== undefined && input.value === input.dataset.fromText;
      if (untouched) input.value = '';
      delete input.dataset.fromText;
      if (!found || input.value.trim() !== '') return;
      input.value = found.display || found.value;
      input.dataset.fromText = input.value;
      input.dispatchEvent(new Event('input', {bubbles: true}));
      input.dispatchEvent(new Event('change', {bubbles: true}));
      var note = document.createElement('small');
      note.className = 'header-source';
      note.dataset.field = name;
      var quote = document.createElement('q');
      quote.textContent = found.source;
      note.append(panel.dataset.headerLabel + ' ', quote);
      input.after(note);
    });
  }

  // One reading at a time: a scan's OCR takes up to a minute and a half, and a second click meanwhile read the
  // file again (two OCRs at once each slower, past the server's bound) and added its rows twice.
  var button = document.getElementById('propose');
  function reading(busy) {
    button.disabled = busy;
    button.setAttribute('aria-busy', String(busy));
    if (busy) status.textContent = panel.dataset.readingLabel;
  }

  button.addEventListener('click', function () {
    var body = new FormData();
    body.append('csrf_token', form.elements['csrf_token'].value);
    body.append('text', document.getElementById('proposal-text').value);
    var file = document.getElementById('proposal-file').files[0];
    if (file) body.append('file', file);
    // a date an earlier text filled is not the clerk's: this text's own date completes its deadlines
    var issued = form.elements['issued_on'];
    if (issued && issued.value !== issued.dataset.fromText) body.append('issued_on', issued.value);
    reading(true);
    fetch(panel.dataset.url, {method: 'POST', body: body, credentials: 'same-origin'})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (answer) {
        if (answer.ok) {
          fillHeader(answer.data.header);
          show(answer.data);
        }
        else status.textContent = answer.data.error || panel.dataset.failedLabel;
      })
      .catch(function () { status.textContent = panel.dataset.failedLabel; })
      .finally(function () { reading(false); });
  });
  button.disabled = false;  // rendered disabled until this listener is in place (new.html)
})();
