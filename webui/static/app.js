// Every page (base.html, in <head> so the menu is folded before the first paint):
// - the `js` class tells the stylesheet that the menu button and the table cards will work;
// - the menu button opens and folds the menu on narrow screens;
// - each cell of a table is labelled with its column's header (data-label), which the narrow
//   layout shows in front of the cell when a row becomes a card.
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', function () {
  var toggle = document.querySelector('.menu-toggle');
  if (toggle) {
    var menu = document.getElementById(toggle.getAttribute('aria-controls'));
    toggle.hidden = false;
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      menu.classList.toggle('open', open);
    });
  }
  document.querySelectorAll('main table:not(.keep-table)').forEach(function (table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    var labels = [];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      for (var i = 0; i < th.colSpan; i++) labels.push(th.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (labels[column] && !cell.hasAttribute('data-label')) cell.setAttribute('data-label', labels[column]);
          if (!cell.textContent.trim() && !cell.children.length) cell.classList.add('blank');  // no empty line in a card
          column += cell.colSpan;
        });
      });
    });
    table.classList.add('cards');
  });
});
