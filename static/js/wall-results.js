/* The projector's vote rounds (used by screen.js): who has voted, per group, and results
   overall, by group or with each group counting equally. Ties are always shown. */
W.wall = (function () {
  'use strict';
  var el = W.el;
  var OWN = {dots: W.N_('By group: each group’s own dots'), approval: W.N_('By group: each group’s own votes'),
    ranking: W.N_('By group: each group’s own points'), points: W.N_('By group: each group’s own points')};

  function labels(state) {
    /* "other": groups with fewer than 3 voters, shown together so nobody's vote can be picked out */
    var m = {'': W.t('No group given'), other: W.t('Other groups (fewer than 3 voters each)')};
    state.groups.forEach(function (g) { m[g.key] = g.label; });
    return m;
  }
  function num(v) { return Math.round(v) === v ? String(v) : v.toFixed(2); }

  /* People who voted on paper or were helped to vote have no phone: count them in */
  function offline(t) {
    var p = t.participation || {by_group: {}}, by = {};
    Object.keys(p.by_group || {}).forEach(function (k) { by[k] = p.by_group[k].offline || 0; });
    return {by: by, all: p.offline || 0};
  }
  function outOf(joined, n) { return joined + n; }

  /* "N of M have voted", then a small bar per stakeholder group */
  function participation(state, t, box, big) {
    var p = t.participation || {joined: 0, voted: 0, by_group: {}}, off = offline(t), names = labels(state);
    var m = outOf(p.joined, off.all);
    var keys = state.groups.map(function (g) { return g.key; }).concat(['']).filter(function (k) {
      var g = p.by_group[k];
      return g && (g.joined || g.voted);
    });
    box.hidden = false;
    box.className = 's-part' + (big ? ' big' : '');
    box.children[0].textContent = W.t('{voted} of {people} have voted', {voted: p.voted, people: m}) + (off.all ? ' ' + W.t('({n} on paper or helped)', {n: off.all}) : '');
    W.sync(box.children[1], keys, String, function () {
      var li = el('li', 's-grp'), bar = el('span', 'bar');
      li.appendChild(el('span', 'g-name'));
      bar.appendChild(el('span', 'fill'));
      bar.setAttribute('aria-hidden', 'true');
      li.appendChild(bar);
      li.appendChild(el('span', 'g-n'));
      return li;
    }, function (li, k) {
      var g = p.by_group[k], of = outOf(g.joined, off.by[k] || 0);
      li.children[0].textContent = names[k] || k;
      li.children[1].firstChild.style.width = (of ? Math.round(100 * Math.min(1, g.voted / of)) : 0) + '%';
      li.children[2].textContent = W.t('{voted} of {people}', {voted: g.voted, people: of});
    });
  }

  /* The server sends the wall paper and help as one pool, and only once it is big enough
     that nobody in it can be picked out. */
  function notes(t, id, tied) {
    var n = [], off = (t.from_paper || {})[id];
    if (tied) n.push(W.t('tied'));
    if (off) n.push(W.t('includes {n} counted on paper or with help', {n: off}));
    if (((t.merged || {})[id] || []).length) n.push(W.t('includes merged ideas'));
    return n;
  }
  function top3(list) { return (list || []).slice(0, 3).map(function (r) { return r.proposal_id + (r.tied ? '=' : ''); }).join(); }
  function order(list, m) {
    /* the top three only: a whole order in one line would cut every title to a few letters */
    var on = (list || []).filter(function (r) { return m[r.proposal_id]; });
    return on.slice(0, 3).map(function (r) {
      return W.rankText(r) + ' ' + W.short(m[r.proposal_id].text, 50);
    }).join('   ·   ') + (on.length > 3 ? '   ·   …' : '');
  }

  /* By group: a table with one heading row of group names and a row per proposal, a
     number and a bar per group, so each row reads across like the overall view. */
  function cells(li, n, make) {
    while (li.children.length > n + 2) li.removeChild(li.lastChild);
    while (li.children.length < n + 2) li.appendChild(make());
  }
  function groupRow(r) {
    var li = el('li', r.head ? 's-ghead' : 's-g');
    li.appendChild(el('span', 'rank'));
    if (r.head) { li.appendChild(el('span', null, W.t('Proposal'))); return li; }
    var main = el('div', 's-text');
    main.appendChild(el('span', 'ptext'));
    main.appendChild(el('span', 's-meta'));
    li.appendChild(main);
    return li;
  }
  function updGroup(li, r) {
    var c = li.children;
    if (r.head) {
      cells(li, r.groups.length, function () { return el('span'); });
      r.groups.forEach(function (g, i) { c[i + 2].textContent = g.label; });
      return;
    }
    c[0].textContent = r.rank || '';
    c[0].hidden = !r.rank;
    c[1].children[0].textContent = r.p.text;
    c[1].children[1].textContent = r.notes.join(' · ');
    c[1].children[1].hidden = !r.notes.length;
    cells(li, r.groups.length, function () {
      var g = el('div', 'gcell'), bar = el('span', 'bar');
      g.appendChild(el('span', 'g-n'));
      bar.appendChild(el('span', 'fill'));
      bar.setAttribute('aria-hidden', 'true');
      g.appendChild(bar);
      return g;
    });
    r.groups.forEach(function (x, i) {
      var g = c[i + 2];
      g.className = 'gcell c' + (i % 6);
      g.children[0].textContent = num(x.v);
      g.children[1].firstChild.style.width = (r.max ? Math.round(100 * x.v / r.max) : 0) + '%';
    });
  }

  /* Rows, headings and extra lines for the current round's results in the chosen view */
  function results(state, t, m) {
    var view = state.results_view || 'overall', meth = t.method || 'dots', names = labels(state);
    var counted = t.voters > 0, max = 0, out = {view: view, extra: '', foot: '', rows: []};
    var list = view === 'balanced' ? t.balanced_ranking : t.ranking;
    out.label = view === 'balanced' ? W.t('Each group counts equally') : view === 'groups' ? W.t(OWN[meth] || OWN.dots) : '';
    if (meth === 'ranking' && counted) {
      var cw = m[t.condorcet_winner];
      out.extra = view === 'balanced' ? '' : cw ? W.t('Ranked first by most people when compared two at a time: {idea}', {idea: cw.text}) : W.t('No idea is ranked first by most people when compared two at a time.');
      var sch = view === 'balanced' ? t.balanced_schulze : t.schulze;
      /* said only where it differs from the list's own top three: otherwise it repeats it */
      if (top3(sch) !== top3(list)) out.foot = (view === 'balanced' ? W.t('Order when compared two at a time, each group counting equally: {order}', {order: order(sch, m)}) : W.t('Order when compared two at a time: {order}', {order: order(sch, m)}));
    }
    (list || []).forEach(function (r) { max = Math.max(max, r.points); });
    /* Only proposals with support: a wall of zeros hides the result. The rest are counted
       in a line under the list (screen.js), never dropped silently. */
    function supported(rows) {
      var on = (rows || []).filter(function (r) { return m[r.proposal_id]; }), shown = counted ? on.filter(function (r) { return r.points > 0; }) : [];
      out.unsupported = on.length - shown.length;
      return shown;
    }
    if (view === 'groups') {
      var at = state.groups.map(function (g) { return g.key; }).concat(['']);
      var keys = Object.keys(t.by_group || {}).sort(function (a, b) { return (at.indexOf(a) + 99) % 99 - (at.indexOf(b) + 99) % 99; });
      keys.forEach(function (k) { (t.ranking || []).forEach(function (r) { max = Math.max(max, t.by_group[k][r.proposal_id] || 0); }); });
      if (!max) max = 1;
      out.rows = supported(t.ranking).map(function (r) {
        return {p: m[r.proposal_id], rank: W.rankText(r), notes: notes(t, r.proposal_id, r.tied), max: max,
          groups: keys.map(function (k) { return {k: k, label: names[k] || k, v: t.by_group[k][r.proposal_id] || 0}; })};
      });
      if (out.rows.length) out.rows.unshift({head: true, p: {id: 'head'}, groups: keys.map(function (k) { return {label: names[k] || k}; })});
      out.groups = keys.length;
      out.make = groupRow;
      out.upd = updGroup;
      return out;
    }
    out.rows = supported(list).map(function (r) {
      return {p: m[r.proposal_id], rank: W.rankText(r), pts: num(r.points), v: r.points, max: max,
        notes: notes(t, r.proposal_id, r.tied)};
    });
    return out;
  }
  return {participation: participation, results: results};
})();
