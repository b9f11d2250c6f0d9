/* Facilitator console, vote rounds (facilitator.js calls render): start rounds and second votes on ties,
   steer the wall, read results three ways, count paper and assisted votes. */
W.roundsConsole = function (x) {
  'use strict';
  var $ = W.$, el = W.el, METHOD = {dots: W.t('Dot voting'), approval: W.t('Approval'), ranking: W.t('Ranking'), points: W.t('Points')};
  var UNIT = {dots: ['dot', 'dots'], approval: ['vote', 'votes'], ranking: ['point', 'points'], points: ['point', 'points']};
  var newReq = null, paperReq = null, ppSig = null;
  function btn(text, cls) { var b = el('button', 'btn' + (cls ? ' ' + cls : ''), text); b.type = 'button'; return b; }
  function S() { return x.state(); }
  function num(v) { return Math.round(v) === v ? String(v) : v.toFixed(2); }
  function labels() { var m = {'': W.t('No group given')}; S().groups.forEach(function (g) { m[g.key] = g.label; }); return m; }
  function props() { return W.byId(S().proposals.filter(function (p) { return !p.hidden; })); }
  var named = null; /* the themes of a round on themes, while its results are drawn */
  function text(id) { var p = (named || props())[id]; return p ? p.text : W.t('An idea no longer on the list'); }
  function checked(name) { var r = document.querySelector('input[name=' + name + ']:checked'); return r ? r.value : ''; }
  function int(id) { return parseInt($(id).value, 10); }

  /* -- steering the wall ------------------------------------------------------------ */
  document.querySelectorAll('[data-view]').forEach(function (b) {
    b.addEventListener('click', function () {
      x.send('set_display', {results_view: b.dataset.view}, function () { W.announce(W.t('Results on the wall: {view}.', {view: b.textContent})); });
    });
  });

  /* -- one round's results: overall, by group and balanced side by side ----------- */
  function col(title, rows) {
    var d = el('div', 'r-col'), ol = el('ol', 'r-rank');
    var h = d.appendChild(el('h4', null, title[0]));
    if (title[1]) h.appendChild(el('span', 'hint', title[1]));
    rows.forEach(function (r) {
      var li = el('li');
      li.appendChild(el('span', 'rank', r[0]));
      li.appendChild(el('span', 'r-t', r[1]));
      li.appendChild(el('span', 'r-v', r[2]));
      if (r[3]) li.appendChild(el('span', 'r-n', r[3]));
      ol.appendChild(li);
    });
    if (!rows.length) d.appendChild(el('p', 'hint', W.t('No votes yet.')));
    else d.appendChild(ol);
    return d;
  }
  function marks(t, id, tied) {
    /* paper and help as one pool, in the words the wall uses (the console is often mirrored) */
    var n = [], off = ((t.from_paper || {})[id] || 0) + ((t.from_assisted || {})[id] || 0);
    if (tied) n.push('tied');
    if (off) n.push(W.t('includes {n} on paper or with help', {n: off}));
    if (((t.merged || {})[id] || []).length) n.push(W.t('includes merged ideas'));
    return n.join(' · ');
  }
  function results(box, t) {
    var u = UNIT[t.method] || UNIT.dots, on = t.voters > 0, names = labels(), grid = el('div', 'r-grid');
    box.textContent = '';
    function rows(list, fmt) {
      return on ? (list || []).map(function (r) { return [W.rankText(r), text(r.proposal_id), fmt(r), marks(t, r.proposal_id, r.tied)]; }) : [];
    }
    grid.appendChild(col([W.t('Overall')], rows(t.ranking, function (r) { return W.score(r.points, t.method); })));
    var keys = Object.keys(t.by_group || {});
    grid.appendChild(col([W.t('By group'), 'each group’s own total'], rows(t.ranking, function (r) {
      return keys.map(function (k) { return (names[k] || k) + ': ' + num(t.by_group[k][r.proposal_id] || 0); }).join('\n');
    }).map(function (r) { r[3] = ''; return r; })));
    grid.appendChild(col([W.t('Each group equal'), W.t('every group counts the same, whatever its size')], rows(t.balanced_ranking, function (r) { return num(r.points); })
      .map(function (r) { r[3] = r[3].indexOf('tied') === 0 ? 'tied' : ''; return r; })));
    box.appendChild(grid);
    if (t.method === 'ranking' && on) {
      var cw = t.condorcet_winner;
      box.appendChild(el('p', 'r-cond', cw ? W.t('Ranked first by most people when compared two at a time: {idea}.', {idea: text(cw)}) : W.t('No idea is ranked first by most people when compared two at a time.')));
      box.appendChild(el('p', 'r-sch', W.t('Order when compared two at a time: {order}', {order: (t.schulze || []).map(function (r) { return W.rankText(r) + ' ' + text(r.proposal_id); }).join(' · ')})));
    }
    if (on && S().round.how_counted) box.appendChild(el('p', 'hint how-counted', W.tx(S().round.how_counted)));
  }

  /* A second vote beside each tied group: same method, only the tied ideas */
  function ties(ul, t, number, method) {
    var groups = t.voters > 0 ? t.ties || [] : [];
    W.sync(ul, groups, function (g) { return number + ':' + g.join(','); }, function (g) {
      var li = el('li'), b = btn(W.t('Vote again between these'), 's'), head = el('div', 'r-tie');
      head.appendChild(el('span'));
      head.appendChild(el('ul', 'r-tied')); /* one title a line: four long titles in one sentence cannot be read */
      li.appendChild(head);
      li.appendChild(b);
      b.addEventListener('click', function () {
        x.send('start_round', {method: method, runoff_of: number, proposal_ids: g, request_id: W.rand()}, function (ack) {
          W.announce(W.t('Round {n} started: a second vote on the ideas tied in round {round}.', {n: ack.number, round: number}));
        });
      });
      return li;
    }, function (li, g) {
      var names = g.map(function (id) { return text(id); });
      li.children[0].children[0].textContent = W.t('Tied in round {n}:', {n: number});
      W.sync(li.children[0].children[1], g, String, function () { return el('li'); }, function (n, id) { n.textContent = text(id); });
      li.children[1].setAttribute('aria-label', W.t('Vote again between these: {ideas}', {ideas: names.join(' ' + W.t('and') + ' ')}));
    });
  }

  function participation(t) {
    var p = t.participation || {voted: 0, joined: 0, offline: 0, by_group: {}}, names = labels(), all = p.offline || 0;
    var parts = Object.keys(p.by_group).filter(function (k) { return p.by_group[k].joined || p.by_group[k].voted; }).map(function (k) {
      return (names[k] || k) + ': ' + W.t('{voted} of {people}', {voted: p.by_group[k].voted, people: p.by_group[k].joined + (p.by_group[k].offline || 0)});
    });
    return W.t('{voted} of {people} have voted', {voted: p.voted, people: p.joined + all}) + (all ? ' ' + W.t('({n} on paper or helped)', {n: all}) : '') + (parts.length ? '. ' + parts.join(' · ') : '.');
  }

  /* -- a new round --------------------------------------------------------------------- */
  function methodShown() {
    var m = $('nr-method').value;
    document.querySelectorAll('.nr-m').forEach(function (f) { f.hidden = f.dataset.m !== m; });
  }
  $('nr-method').addEventListener('change', methodShown);
  $('nr-form').addEventListener('change', function () { newReq = null; whichShown(); });
  function whichShown() {
    var w = checked('nr-which');
    $('nr-top-box').hidden = w !== 'top';
    $('nr-pick').hidden = w !== 'pick';
  }
  $('nr-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var m = $('nr-method').value, p = {method: m}, w = checked('nr-which');
    if (m === 'dots') { p.dots = int('nr-dots'); p.max_per_proposal = int('nr-max'); p.spend_all = $('nr-spend').checked; }
    if (m === 'ranking') p.top_k = int('nr-topk');
    if (m === 'points') { p.points_total = int('nr-total'); p.points_exact = $('nr-exact').checked; }
    if (w === 'top') {
      p.top = int('nr-top');
      p.from_round = int('nr-from');
      if (!(p.top >= 1)) { W.showMsg(W.t('Type how many ideas to take from that round, for example 5.')); $('nr-top').focus(); return; }
    }
    if (w === 'pick') {
      p.proposal_ids = [].map.call(document.querySelectorAll('#nr-pick input:checked'), function (c) { return +c.value; });
      if (p.proposal_ids.length < 2) { W.showMsg(W.t('Tick at least two ideas for the round, then press Start the round.')); return; }
    }
    if (!newReq || newReq.sig !== JSON.stringify(p)) newReq = {sig: JSON.stringify(p), id: W.rand()};
    p.request_id = newReq.id;
    x.send('start_round', p, function (ack) {
      newReq = null;
      $('nr').open = false;
      W.announce('Round ' + ack.number + ' started: ' + METHOD[m] + '.');
      $('rounds-h').focus();
    });
  });
  methodShown();
  whichShown();

  /* -- paper and assisted votes -------------------------------------------------------- */
  function assisted() { return $('pp-source').value === 'assisted'; }
  function paperForm(ids) {
    var r = S().round, m = r.method, a = assisted(), sig = [r.id, m, a, ids.join(','), S().groups.length].join('|');
    [].forEach.call($('pp-source').options, function (o) { o.disabled = m === 'ranking' && o.value !== 'assisted'; });
    if (m === 'ranking' && !a) { $('pp-source').value = 'assisted'; a = true; sig = [r.id, m, a, ids.join(',')].join('|'); }
    $('pp-voters-f').hidden = a;
    $('pp-legend').textContent = !a ? W.t('Count per idea') : m === 'ranking' ? W.t('Their ranking') : m === 'approval' ? W.t('The ideas they support') : m === 'points' ? W.t('Their points') : W.t('Their dots');
    $('pp-hint').textContent = !a ? (m === 'approval' ? W.t('How many people supported each idea.') : m === 'dots' ? W.t('The total dots on each idea.') : W.t('The total points on each idea.')) + ' ' + W.t('Leave an idea empty for none.')
      : m === 'ranking' ? W.t('Type 1 beside their first choice, 2 beside the second, up to {n}. Leave the rest empty.', {n: r.top_k})
      : m === 'approval' ? W.t('Tick every idea they support.') : W.t('Leave an idea empty for none.');
    if (m === 'ranking' && !a) $('pp-hint').textContent += ' ' + W.t('A ranking is counted from assisted ballots only.');
    var g = $('pp-group');
    if (!g.options.length) {
      g.appendChild(el('option', null, W.t('No group given'))).value = '';
      S().groups.forEach(function (x1) { g.appendChild(el('option', null, x1.label)).value = x1.key; });
    }
    if (sig === ppSig) return;
    ppSig = sig;
    var ul = $('pp-counts');
    ul.textContent = '';
    ids.forEach(function (id) {
      var li = el('li', a && m === 'approval' ? 'radio' : 'row'), inp = el('input', a && m === 'approval' ? null : 'num'), lab = el('label', null, text(id)), no = el('span', 'pp-num', props()[id] && props()[id].number ? '#' + props()[id].number : '');
      inp.id = 'pp-c-' + id;
      inp.dataset.id = id;
      inp.type = a && m === 'approval' ? 'checkbox' : 'number';
      if (inp.type === 'number') { inp.min = a && m === 'ranking' ? '1' : '0'; if (a && m === 'ranking') inp.max = String(r.top_k); }
      lab.htmlFor = inp.id;
      /* the number printed on paper ballots and charts, so a paper vote is typed in by number */
      if (inp.type === 'checkbox') { li.appendChild(inp); li.appendChild(no); li.appendChild(lab); } else { li.appendChild(no); li.appendChild(lab); li.appendChild(inp); }
      ul.appendChild(li);
    });
  }
  $('pp-source').addEventListener('change', function () { paperReq = null; x.render(); });
  $('pp-form').addEventListener('input', function () { paperReq = null; });
  $('pp-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!$('pp-source').value) { W.showMsg(W.t('Choose what you are counting first: a show of hands, a paper wall chart or one person’s vote.')); $('pp-source').focus(); return; }
    var r = S().round, m = r.method, a = assisted(), counts = {}, places = [], bad = null, p;
    [].forEach.call(document.querySelectorAll('#pp-counts input'), function (inp) {
      var id = inp.dataset.id;
      if (inp.type === 'checkbox') { if (inp.checked) places.push([0, +id]); return; }
      if (inp.value.trim() === '') return;
      var n = parseInt(inp.value, 10);
      if (!(n >= 0) || String(n) !== inp.value.trim()) { bad = bad || inp; return; }
      if (n > 0) { counts[id] = n; places.push([n, +id]); }
    });
    if (bad) { W.showMsg(W.t('Type whole numbers only, or leave an idea empty for none.')); bad.focus(); return; }
    if (!a) {
      p = {source: $('pp-source').value, group: $('pp-group').value, voters: int('pp-voters'), counts: counts, note: $('pp-note').value.trim()};
      if (!(p.voters >= 1)) { W.showMsg(W.t('Type how many people this count stands for, for example 12.')); $('pp-voters').focus(); return; }
    } else {
      places.sort(function (i, j) { return i[0] - j[0]; });
      if (m === 'ranking' && places.some(function (q, i) { return i && q[0] === places[i - 1][0]; })) { W.showMsg(W.t('Two ideas have the same place: give each place once, 1 for their first choice.')); return; }
      p = {group: $('pp-group').value, note: $('pp-note').value.trim(),
        choices: m === 'ranking' || m === 'approval' ? places.map(function (q) { return q[1]; }) : counts};
    }
    var sig = JSON.stringify(p);
    if (!paperReq || paperReq.sig !== sig) paperReq = {sig: sig, id: W.rand()};
    p.request_id = paperReq.id;
    x.send(a ? 'enter_assisted_ballot' : 'enter_paper', p, function () {
      paperReq = null;
      [].forEach.call(document.querySelectorAll('#pp-counts input'), function (inp) { inp.value = ''; inp.checked = false; });
      $('pp-voters').value = '';
      $('pp-note').value = '';
      x.render();
      W.announce(a ? W.t('The assisted ballot was counted.') : W.t('The paper count was added.'));
    });
  });
  function entries(t) {
    var names = labels(), list = (t.paper || []).map(function (e) { return {k: 'paper', e: e}; })
      .concat((t.assisted || []).map(function (e) { return {k: 'assisted', e: e}; }));
    $('pp-none').hidden = list.length > 0;
    W.sync($('pp-list'), list, function (i) { return i.k + i.e.id; }, function (i) {
      var li = el('li', 'fp'), b = btn(W.t('Take back'), 'w');
      li.appendChild(el('p', 'r-entry'));
      li.appendChild(el('p', 'meta'));
      li.appendChild(b);
      b.addEventListener('click', function () {
        x.send('withdraw_entry', {kind: i.k, entry_id: i.e.id}, function () { W.announce(W.t('Taken back.')); });
      });
      return li;
    }, function (li, i) {
      var e = i.e, what = W.t(e.source_label) + (e.group ? ', ' + (names[e.group] || e.group) : '') + (i.k === 'paper' ? ', ' + W.tn('{n} person', '{n} people', e.voters) : '');
      li.children[0].textContent = what + ': ' + Object.keys(e.counts).map(function (id) { return W.short(text(+id), 40) + ' ' + e.counts[id]; }).join(' · ');
      li.children[1].textContent = e.note ? 'Note: ' + e.note : '';
      li.children[1].hidden = !e.note;
      li.children[2].setAttribute('aria-label', W.t('Take back: {what}', {what: what}));
    });
  }

  /* -- everything, on every update --------------------------------------------------- */
  function render(t) {
    var s = S(), r = s.round, ids = r.proposal_ids || [], earlier = (s.rounds || []).filter(function (e) { return e.result; });
    var bits = [W.t('Round {n}: {method}', {n: r.number, method: W.t(r.method_label)})];
    if (r.method === 'dots') bits.push(W.tn('{n} dot each, at most {most} on one', '{n} dots each, at most {most} on one', r.dots, {most: r.max_per_proposal}) + (r.spend_all ? ', ' + W.t('all must be placed') : ''));
    if (r.method === 'ranking') bits.push(W.t('top {n}', {n: r.top_k}));
    if (r.method === 'points') bits.push(W.t('{n} points each', {n: r.points_total}) + (r.points_exact ? ', ' + W.t('all must be used') : ''));
    bits.push(r.candidates ? W.tn('{n} theme on the ballot (a vote on themes)', '{n} themes on the ballot (a vote on themes)', ids.length)
      : W.tn('{n} idea on the ballot', '{n} ideas on the ballot', ids.length));
    if (r.runoff_of) bits.push(W.t('a second vote on the ideas tied in round {n}', {n: r.runoff_of}));
    $('r-now').textContent = bits.join(' · ');
    $('r-part').textContent = t ? participation(t) : '';
    $('r-shown').textContent = W.resultsShown(s) ? W.t('The wall and phones show the results.') : W.t('The wall shows only how many have voted: no scores until you show the results.');
    document.querySelectorAll('[data-view]').forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.view === s.results_view)); });
    named = r.candidates ? W.byId(r.candidates) : null; /* the current round's names, themes or ideas */
    if (t) { results($('r-results'), t); ties($('r-ties'), t, r.number, r.method); }
    /* a new round's choices */
    var from = $('nr-from'), keep = from.value, sig = (s.rounds || []).map(function (e) { return e.number + e.method; }).join();
    if (from._sig !== sig) {
      from._sig = sig;
      from.textContent = '';
      (s.rounds || []).slice().reverse().forEach(function (e) { from.appendChild(el('option', null, e.number + ': ' + e.method_label)).value = String(e.number); });
      if (keep) from.value = keep;
    }
    W.sync($('nr-pick'), s.proposals.filter(function (p) { return !p.hidden; }), function (p) { return p.id; }, function (p) {
      var li = el('li', 'radio'), c = el('input'), l = el('label');
      c.type = 'checkbox';
      c.id = 'nr-p-' + p.id;
      c.value = p.id;
      l.htmlFor = c.id;
      li.appendChild(c);
      li.appendChild(l);
      return li;
    }, function (li, p) { li.children[1].textContent = p.text; });
    paperForm(ids.filter(function (id) { return (named || props())[id]; }));
    if (t) entries(t);
    /* earlier rounds, newest first, each folded */
    $('r-none').hidden = earlier.length > 0;
    W.sync($('r-earlier'), earlier.slice().reverse(), function (e) { return e.id; }, function () {
      var d = el('details', 'r-box r-old');
      d.appendChild(el('summary'));
      d.appendChild(el('ul', 'r-ties'));
      d.appendChild(el('div'));
      return d;
    }, function (d, e) {
      var res = e.result;
      named = e.candidates ? W.byId(e.candidates) : null;
      d.children[0].textContent = W.t('Round {n}: {method}', {n: e.number, method: W.t(e.method_label)}) + (e.runoff_of ? ' ' + W.t('(second vote on the ties of round {n})', {n: e.runoff_of}) : '') + ' · ' + W.tn('{n} person voted', '{n} people voted', res.voters);
      ties(d.children[1], res, e.number, e.method);
      if (d._v !== res.version + ':' + s.version) { d._v = res.version + ':' + s.version; results(d.children[2], res); }
    });
    named = null;
  }
  return {render: render};
};
