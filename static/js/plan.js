/* Published plan pages: tables turn into cards on a phone; a wide chart scrolls inside its own box, never the page. */
(function () {
  'use strict';
  var d = document, each = function (sel, f) { Array.prototype.forEach.call(d.querySelectorAll(sel), f); };
  /* this page has no common.js: its few words come from the page's catalogue directly */
  var words = {};
  try { words = JSON.parse(d.getElementById('i18n').textContent).messages; } catch (e) { /* English */ }
  function t(s) { return typeof words[s] === 'string' ? words[s] : s; }
  function heading(n) {
    var h = n.previousElementSibling;
    while (h && !/^H[1-4]$/.test(h.tagName)) h = h.previousElementSibling;
    return h ? ': ' + h.textContent : '';
  }
  each('.doc-body table', function (t, i) {
    var box = d.createElement('div');
    box.className = 'tscroll';
    box.dataset.label = 'Table ' + (i + 1) + heading(t);
    t.parentNode.insertBefore(box, t);
    box.appendChild(t);
  });
  /* each cell carries its column's name, so a narrow screen can show a row as a card */
  each('.doc-body table', function (t) {
    var names = Array.prototype.map.call(t.querySelectorAll('thead th'), function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(t.tBodies[0] ? t.tBodies[0].rows : [], function (tr) {
      Array.prototype.forEach.call(tr.cells, function (td, i) { if (names[i]) td.dataset.label = names[i]; });
    });
    t.classList.add('cards');
  });
  /* statuses as labelled pills (the word stays: never colour alone) */
  var ST = {Proposed: 'proposed', Agreed: 'agreed', 'In progress': 'in_progress', Done: 'done', Dropped: 'dropped'};
  each('.doc-body table', function (t) {
    var col = -1;
    Array.prototype.forEach.call(t.querySelectorAll('th'), function (th, i) { if (th.textContent.trim() === 'Status') col = i; });
    if (col < 0) return;
    Array.prototype.forEach.call(t.tBodies[0] ? t.tBodies[0].rows : [], function (tr) {
      var td = tr.cells[col], st = td && ST[td.textContent.trim()];
      if (!st) return;
      var s = d.createElement('span');
      s.className = 'pill st-' + st;
      s.textContent = td.textContent.trim();
      td.textContent = '';
      td.appendChild(s);
    });
  });
  /* the technical names of the counting methods stay folded in their own note */
  var HOW = t('How this was counted:');
  each('.doc-body p', function (p) {
    if (p.textContent.indexOf(HOW) !== 0) return;
    var box = d.createElement('details'), sum = d.createElement('summary');
    box.className = 'how-counted';
    sum.textContent = t('How this was counted');
    box.appendChild(sum);
    p.parentNode.insertBefore(box, p);
    p.textContent = p.textContent.slice(HOW.length).trim();
    box.appendChild(p);
  });
  /* a text bar chart repeats the table above it: one short description instead of "full block" read out many times */
  each('.doc-body pre', function (pre) {
    pre.className = 'tscroll';
    if (pre.textContent.indexOf('\u2588') < 0) { pre.dataset.label = 'Text' + heading(pre); return; }
    pre.setAttribute('role', 'img');
    pre.setAttribute('aria-label', t('Bar chart of the dots for each priority; the numbers are in the table above.'));
  });
  /* a box that scrolls must be reachable by keyboard; one that fits needs no tab stop */
  function focusable() {
    each('.tscroll', function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) box.tabIndex = 0; else box.removeAttribute('tabindex');
      if (!box.dataset.label) return;
      if (scrolls) { box.setAttribute('role', 'region'); box.setAttribute('aria-label', box.dataset.label + ' (scrolls sideways)'); }
      else { box.removeAttribute('role'); box.removeAttribute('aria-label'); }
    });
  }
  focusable();
  window.addEventListener('resize', focusable);
  var p = d.getElementById('print');
  if (p && window.print) {
    p.hidden = false;
    p.addEventListener('click', function () { window.print(); });
  }
})();
