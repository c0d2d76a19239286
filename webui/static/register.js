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
