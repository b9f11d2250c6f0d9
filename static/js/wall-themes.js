/* Projector screen, facilitation methods (screen.js calls W.wallThemes after each render):
   the spotlight full-size over everything else, the board as columns of themes while
   grouping, and each theme's support (the sum of its proposals') beside the results. */
W.wallThemes = (function () {
  'use strict';
  var el = W.el, main = W.$('main'), body = document.body;
  var spot = el('section', 'w-spot'), cols = el('div', 'w-cols'), sums = el('div', 'w-sums');
  spot.id = 'w-spot';
  spot.setAttribute('aria-live', 'polite');
  spot.appendChild(el('p', 'w-spot-l', W.t('Being discussed')));
  var num = spot.appendChild(el('p', 'w-spot-n')), big = spot.appendChild(el('p', 'w-spot-t'));
  var sub = spot.appendChild(el('p', 'w-spot-s')), list = spot.appendChild(el('ul', 'w-spot-list'));
  cols.id = 'w-cols';
  sums.id = 'w-sums';
  [spot, cols, sums].forEach(function (n) { n.hidden = true; main.appendChild(n); });

  function spotlight(s) {
    spot.hidden = !s;
    body.classList.toggle('spotlit', !!s);
    if (!s) return;
    num.textContent = s.kind === 'theme' ? 'Theme' : '#' + s.number;
    big.textContent = s.text;
    sub.textContent = s.kind === 'proposal' && s.theme ? W.t('Theme: {theme}', {theme: s.theme}) : '';
    sub.hidden = !sub.textContent;
    W.sync(list, s.proposals || [], function (p) { return p.id; }, function () { return el('li'); },
      function (li, p) { li.textContent = '#' + p.number + ' ' + p.text; });
    /* Long text shrinks so it always fits the wall, read from the back of the hall. */
    var n = s.text.length;
    big.className = 'w-spot-t' + (n > 280 ? ' xs' : n > 160 ? ' s' : '');
  }

  function columns(state) {
    var themes = state.themes || [], on = state.stage === 'group' && state.proposals_revealed && themes.length > 0;
    cols.hidden = !on;
    body.classList.toggle('themed', on);
    if (!on) return;
    var byId = W.byId(state.proposals || []), placed = {};
    themes.forEach(function (t) { t.proposal_ids.forEach(function (id) { placed[id] = 1; }); });
    var rest = (state.proposals || []).filter(function (p) { return !placed[p.id]; }).map(function (p) { return p.id; });
    var all = themes.concat(rest.length ? [{id: 0, heading: W.t('Not grouped yet'), proposal_ids: rest}] : []);
    cols.className = 'w-cols n' + Math.min(all.length, 5);
    W.sync(cols, all, function (t) { return t.id; }, function () {
      var c = el('section', 'w-col');
      c.appendChild(el('h3'));
      c.appendChild(el('ul'));
      return c;
    }, function (c, t) {
      c.children[0].textContent = t.heading;
      c.classList.toggle('loose', !t.id);
      W.sync(c.children[1], t.proposal_ids.filter(function (id) { return byId[id]; }), function (id) { return id; },
        function () { return el('li'); }, function (li, id) { li.textContent = byId[id].text; });
    });
  }

  function support(state, tally) {
    var themes = state.themes || [], on = (state.stage === 'vote' || state.stage === 'results') && themes.length > 0 &&
      !!tally && !tally.results_hidden && !!tally.totals && !(state.round || {}).candidates; /* a vote on themes: the results are the themes */
    sums.hidden = !on;
    if (!on) return;
    var rows = themes.map(function (t) {
      return {t: t, n: t.proposal_ids.reduce(function (a, id) { return a + (tally.totals[id] || 0); }, 0)};
    }).sort(function (a, b) { return b.n - a.n; });
    if (!sums.firstChild) sums.appendChild(el('h3', null, W.t('By theme (the sum of its ideas)')));
    var ul = sums.children[1] || sums.appendChild(el('ul'));
    W.sync(ul, rows, function (r) { return r.t.id; }, function () { return el('li'); },
      function (li, r) { li.textContent = r.t.heading + ': ' + r.n; });
  }

  return function (state, tally) {
    spotlight(state.spotlight);
    columns(state);
    support(state, tally);
  };
})();
