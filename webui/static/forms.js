// Fields with data-show-if="name=value" are shown only while that field holds that value.
(function () {
  function valueOf(form, name) {
    var el = form.querySelector('[name="' + name + '"]:checked') || form.querySelector('select[name="' + name + '"], input[name="' + name + '"]:not([type=checkbox]):not([type=radio])');
    return el ? el.value : '';
  }
  document.querySelectorAll('form').forEach(function (form) {
    var dependants = form.querySelectorAll('[data-show-if]');
    if (!dependants.length) return;
    function refresh() {
      dependants.forEach(function (el) {
        var parts = el.getAttribute('data-show-if').split('=');
        el.hidden = valueOf(form, parts[0].trim()) !== (parts[1] || '').trim();
      });
    }
    form.addEventListener('change', refresh);
    refresh();
  });
})();
