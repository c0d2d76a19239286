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
  document.getElementById('add-row').addEventListener('click', function () {
    var html = template.innerHTML.replace(/a-999-/g, 'a-' + next + '-');
    next += 1;
    list.insertAdjacentHTML('beforeend', html);
    renumber();
    list.lastElementChild.querySelector('textarea').focus();
  });
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
