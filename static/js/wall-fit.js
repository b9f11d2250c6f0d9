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
    var all = rows(box), total = all.length, shown;
    function rank(li) { var r = li && li.querySelector('.rank'); return r ? r.textContent : ''; }
    /* the rows from `at` that share its rank: a tie is shown whole or not at all */
    function group(at) {
      var r = rank(all[at]), end = at + 1;
      if (r.charAt(0) === '=') while (end < total && rank(all[end]) === r) end++;
      return end;
    }
    /* a tie left out by the cut is named with its place, so the space left reads as fair */
    function text(cut) {
      if (!cut) return quiet;
      var at = total - cut, tied = rank(all[at]).charAt(0) === '=' ? group(at) - at : 0, rest = cut - tied;
      var place = {place: rank(all[at]).replace('=', '')}, split = at > 0 && rank(all[at]) === rank(all[at - 1]);
      var tie = !tied ? '' : (split ? W.tn('{n} more idea shares place {place} and does not fit here.', '{n} more ideas share place {place} and do not fit here.', tied, place)
        : W.tn('{n} idea shares place {place}: too many to fit here, so none of them is shown.', '{n} ideas share place {place}: too many to fit here, so none of them is shown.', tied, place)) + ' ';
      return tie + (rest ? W.tn('{n} more idea with less support is not shown here.', '{n} more ideas with less support are not shown here.', rest) + ' ' : '') + quiet;
    }
    function show(n) {
      all.forEach(function (li, i) { li.hidden = i >= n; });
      say(more, text(total - n));
      return fits(main);
    }
    /* each next row, or whole tie, while it fits with its line; the top row always */
    shown = 0;
    while (shown < total && show(group(shown))) shown = group(shown);
    show(shown || 1);
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
