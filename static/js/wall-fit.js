/* Fit the wall's list to its screen (used by screen.js). Text never shrinks below the
   wall's minimum: results try two columns, then two lines a title, then show the top
   that fit and say how many more there are; ideas or a plan too long for the screen
   turn their pages every few seconds. */
W.wallFit = (function () {
  'use strict';
  var TURN_MS = 12000, page = 0, turner = null, paging = '';

  function fits(main) { return main.scrollHeight <= main.clientHeight + 2; }
  function rows(list) {
    return [].filter.call(list.children, function (li) { return !li.classList.contains('s-ghead'); });
  }
  /* Show the rows from `start` on, as many as fit (at least one); return how many. */
  function showFrom(list, main, start) {
    var all = rows(list), k;
    all.forEach(function (li, i) { li.hidden = i < start; });
    if (fits(main)) return all.length - start;
    for (k = all.length - 1; k > start; k--) {
      all[k].hidden = true;
      if (fits(main)) return k - start;
    }
    return 1;
  }
  function say(more, text) {
    more.textContent = text;
    more.hidden = !text;
  }
  function unsupportedText(n) {
    return n ? W.tn('{n} idea with no votes is not shown.', '{n} ideas with no votes are not shown.', n) : '';
  }

  /* Results: each step in turn, then the top that fit at the last step. */
  function list(box, main, more, steps, unsupported) {
    stop();
    paging = '';
    var quiet = unsupportedText(unsupported);
    for (var i = 0; i < steps.length; i++) {
      box.className = 's-list ' + steps[i];
      say(more, quiet);
      rows(box).forEach(function (li) { li.hidden = false; });
      if (fits(main)) return;
    }
    var all = rows(box), total = all.length, shown, tied = false;
    function rank(li) { var r = li && li.querySelector('.rank'); return r ? r.textContent : ''; }
    function text(cut) {
      return (cut ? (tied ? W.tn('{n} more idea, ties at the cut among them, is not shown here.', '{n} more ideas, ties at the cut among them, are not shown here.', cut)
        : W.tn('{n} more idea with less support is not shown here.', '{n} more ideas with less support are not shown here.', cut)) + ' ' : '') + quiet;
    }
    tied = true;
    say(more, text(total)); /* room for the longest line while measuring */
    tied = false;
    shown = showFrom(box, main, 0);
    say(more, text(total - shown));
    while (!fits(main) && shown > 1) { all[--shown].hidden = true; say(more, text(total - shown)); }
    /* a tie is never split by the cut: tied proposals are shown together or not at all */
    while (shown > 1 && shown < total && rank(all[shown]).charAt(0) === '=' && rank(all[shown]) === rank(all[shown - 1])) {
      all[--shown].hidden = true;
      tied = true;
    }
    say(more, text(total - shown));
  }

  /* Ideas and the plan: each step in turn, then pages that turn by themselves, so
     every idea and every priority is on the wall in turn. */
  function pages(box, main, more, steps, noun) {
    if (paging !== noun[1]) { stop(); page = 0; paging = noun[1]; }
    for (var i = 0; i < steps.length; i++) {
      box.className = 's-list ' + steps[i];
      say(more, '');
      rows(box).forEach(function (li) { li.hidden = false; });
      if (fits(main)) { stop(); page = 0; return; }
    }
    var total = rows(box).length;
    if (page >= total) page = 0;
    /* noun: the page's own sentences for one row and for several ("Ideas {from} to {to} of {total}: ...") */
    function text(from, to) { return to > from ? W.t(noun[1], {from: from, to: to, total: total}) : W.t(noun[0], {from: from, total: total}); }
    say(more, text(10, 20));
    var shown = showFrom(box, main, page), all = rows(box);
    function now() { return text(page + 1, page + shown); }
    say(more, now());
    while (!fits(main) && shown > 1) { all[page + --shown].hidden = true; say(more, now()); }
    if (!turner) {
      turner = setInterval(function () {
        page += Math.max(1, rows(box).filter(function (li) { return !li.hidden; }).length);
        pages(box, main, more, steps, noun);
      }, TURN_MS);
    }
  }
  function stop() {
    if (turner) clearInterval(turner);
    turner = null;
  }
  return {list: list, pages: pages};
})();
