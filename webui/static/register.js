// Register a directive: add/remove assignment rows, and preview deadlines given in working days.
(function () {
  var form = document.getElementById('register');
  if (!form) return;
  var list = document.getElementById('assignments');
  var template = document.getElementById('assignment-template');
  var next = list.querySelectorAll('fieldset.assignment').length;

  function renumber() {
    list.querySelectorAll('fieldset.assignment .seq').forEach(function (el, i) { el.textContent = i + 1; });
  }
  // The units of before (issue #21): the page lists the units closed before today once (#former-units, not in
  // every row: a merged province has over a thousand). A row whose units the clerk opens offers those in force on the
  // directive's issue date (typed, or the directive's own: data-issued-on), marked with their last day, and hides
  // today's units formed after it; rows nobody opened (a hundred proposals) stay as they are. The server refuses
  // a unit not in force on the issue date whatever the page offered.
  var formerList = document.getElementById('former-units');
  var former = formerList ? JSON.parse(formerList.textContent) : [];
  var issued = form.elements['issued_on'];
  function isoDay(text) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || '');
    return m ? m[3] + '-' + ('0' + m[2]).slice(-2) + '-' + ('0' + m[1]).slice(-2) : null;
  }
  function issueDay() { return form.dataset.issuedOn || (issued ? isoDay(issued.value) : null) || ''; }
  function inForce(from, to, day) { return (!from || from <= day) && (!to || day < to); }
  function offerUnitsOf(select, day) {
    var changed = false;
    select.querySelectorAll('option[data-from]:not([data-to])').forEach(function (opt) {
      var off = !!day && opt.dataset.from > day && !opt.selected;
      if (opt.disabled !== off) { opt.hidden = opt.disabled = off; changed = true; }
    });
    select.querySelectorAll('option[data-to]').forEach(function (opt) {
      if (!opt.selected && !(day && inForce(opt.dataset.from, opt.dataset.to, day))) { opt.remove(); changed = true; }
    });
    if (day) {
      var present = new Set(Array.prototype.map.call(select.options, function (opt) { return opt.value; }));
      former.forEach(function (unit) {
        if (present.has(unit.code) || !inForce(unit.from, unit.to, day)) return;
        var opt = new Option(unit.label, unit.code);
        opt.dataset.to = unit.to;
        if (unit.from) opt.dataset.from = unit.from;
        select.add(opt);
        changed = true;
      });
    }
    if (changed) select.dispatchEvent(new Event('ms:options'));
  }
  function offerUnits(row) {
    var day = issueDay();
    if (row.dataset.unitsOf === day) return;
    row.dataset.unitsOf = day;
    row.querySelectorAll('select[name$="-lead_unit"], select[name$="-coordinating_units"]').forEach(function (select) {
      offerUnitsOf(select, day);
    });
  }
  list.addEventListener('focusin', function (ev) {  // the clerk opens a row's list of units
    var row = ev.target.closest('fieldset.assignment');
    if (row && ev.target.matches('select, input.ms-filter')) offerUnits(row);
  });
  if (issued) {
    ['input', 'change'].forEach(function (kind) {
      issued.addEventListener(kind, function () { list.querySelectorAll('fieldset[data-units-of]').forEach(offerUnits); });
    });
  }

  document.getElementById('add-row').addEventListener('click', function (ev) {
    var html = template.innerHTML.replace(/a-999-/g, 'a-' + next + '-');
    next += 1;
    list.insertAdjacentHTML('beforeend', html);
    renumber();
    // the clerk's own click types in the new row; the rows proposals.js adds are not focused one by one (each focus
    // laid out the whole form again: 135 proposed rows took 13 s to show, half of it there)
    if (ev.isTrusted) list.lastElementChild.querySelector('textarea').focus();
  });
  document.getElementById('add-row').disabled = false;
  list.addEventListener('click', function (ev) {
    if (!ev.target.classList.contains('remove-row')) return;
    if (list.querySelectorAll('fieldset.assignment').length > 1) ev.target.closest('fieldset').remove();
    renumber();
  });
  // Whether the directive as filled in counts as large under the ruleset's reading (the
  // decision table decides at registration; this only tells the clerk beforehand).
  var large = document.getElementById('large-directive');
  function showSize() {
    if (!large) return;
    var rows = Array.prototype.filter.call(list.querySelectorAll('fieldset.assignment'), function (row) {
      return row.querySelector('textarea').value.trim() !== '';
    });
    var units = new Set();
    rows.forEach(function (row) {
      row.querySelectorAll('select[name$="-lead_unit"] option:checked, select[name$="-coordinating_units"] option:checked')
        .forEach(function (opt) { if (opt.value) units.add(opt.value); });
    });
    var many = (large.dataset.assignments && rows.length >= +large.dataset.assignments)
      || (large.dataset.units && units.size >= +large.dataset.units);
    large.querySelector('output.large-now').hidden = !many;
  }
  list.addEventListener('change', showSize);
  list.addEventListener('input', showSize);
  list.addEventListener('click', function () { setTimeout(showSize, 0); });
  showSize();
  // The chosen units no account receives tasks in yet (data-unreached, engine.directives.reach): named before the
  // clerk confirms, not refused — the accounts may come tomorrow, and find the unit's tasks then.
  var unreached = document.getElementById('unreached-units');
  function showUnreached() {
    var names = new Set();
    list.querySelectorAll('option[data-unreached]:checked').forEach(function (opt) { names.add(opt.dataset.unreached); });
    unreached.textContent = unreached.dataset.label.replace('{units}', Array.from(names).join(', '));
    unreached.hidden = names.size === 0;
  }
  list.addEventListener('change', showUnreached);
  list.addEventListener('click', function () { setTimeout(showUnreached, 0); });
  showUnreached();
  list.addEventListener('input', function (ev) {
    if (!ev.target.classList.contains('days')) return;
    var out = ev.target.closest('div').querySelector('output.preview');
    var days = ev.target.value;
    if (days === '') { out.textContent = ''; return; }
    fetch(form.dataset.previewUrl + '?days=' + encodeURIComponent(days), {credentials: 'same-origin'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { out.textContent = data ? '→ ' + data.display : ''; });
  });
})();
