/* Projector screen: read-only, large, live. */
(function () {
  'use strict';
  var $ = W.$, el = W.el, code = document.body.dataset.code, body = document.body;
  var state = null, tally = null;
  var timer = new W.Timer($('timer'));
  var THEME = 'workshop.screen.theme';

  /* Theme: button, the C key, ?theme=contrast; remembered in this browser. */
  function theme(on, save) {
    body.classList.toggle('hc', on);
    $('theme').setAttribute('aria-pressed', on ? 'true' : 'false');
    if (save) W.store.set(THEME, on ? 'contrast' : 'default');
  }
  var q = /[?&]theme=(\w+)/.exec(location.search);
  theme(q ? q[1] === 'contrast' : W.store.get(THEME) === 'contrast', !!q);
  $('theme').addEventListener('click', function () { theme(!body.classList.contains('hc'), true); });
  document.addEventListener('keydown', function (e) {
    if ((e.key === 'c' || e.key === 'C') && !e.ctrlKey && !e.metaKey && !e.altKey && !/INPUT|TEXTAREA|SELECT/.test(e.target.tagName)) {
      theme(!body.classList.contains('hc'), true);
    }
  });

  var sock = W.connect({code: code, role: 'screen'}, function () {
    var p = {code: code};
    if (state) p.version = state.version;
    W.cmd(sock, 'watch_workshop', p, function (ack) { live.reset(ack.state); });
  });
  var live = W.live(sock, {timer: timer, attendance: function () { joined(); },
    changed: function (s, t) { state = s; tally = t; render(); }});
  window.addEventListener('resize', function () { if (state) render(); });

  function joined() {
    $('s-joined').textContent = W.tn('{n} person joined', '{n} people joined', state.joined);
  }
  function row(r) {
    var li = el('li', 's-item');
    li.appendChild(el('span', 'rank'));
    var main = el('div', 's-text');
    main.appendChild(el('span', 'ptext'));
    main.appendChild(el('span', 'also'));
    main.appendChild(el('span', 's-meta'));
    li.appendChild(main);
    var bar = el('div', 'bar');
    bar.appendChild(el('span', 'fill'));
    bar.setAttribute('aria-hidden', 'true');
    li.appendChild(bar);
    li.appendChild(el('span', 'pts'));
    return li;
  }
  function upd(li, r) {
    var c = li.children;
    c[0].textContent = r.rank || '';
    c[0].hidden = !r.rank;
    c[1].children[0].textContent = r.p.text;
    c[1].children[1].textContent = W.also(r.p);
    c[1].children[1].hidden = !r.p.merged || !r.p.merged.length;
    c[1].children[2].textContent = (r.notes || []).join(' · ');
    c[1].children[2].hidden = !c[1].children[2].textContent;
    c[2].hidden = r.pts == null;
    c[3].hidden = r.pts == null;
    if (r.pts != null) {
      c[2].children[0].style.width = (r.max ? Math.round(100 * r.v / r.max) : 0) + '%';
      c[3].textContent = r.pts;
    }
    li.classList.toggle('s-prio', !!r.rank && !r.max);
    li.classList.toggle('nopts', r.pts == null);
  }

  /* A priority on the wall with its actions as compact rows */
  function prow() {
    var li = el('li', 's-pr'), head = el('div', 's-ph'), main = el('div', 's-text'), ul = el('ul', 's-acts');
    head.appendChild(el('span', 'rank'));
    main.appendChild(el('span', 'ptext'));
    main.appendChild(el('span', 'also'));
    head.appendChild(main);
    li.appendChild(head);
    ul.appendChild(el('li', 's-none', W.t('No actions yet')));
    li.appendChild(ul);
    return li;
  }
  function updPrio(li, r) {
    var c = li.firstChild.children, ul = li.lastChild, none = ul.firstChild, t = [W.also(r.p), W.carried(r.p, state)].filter(Boolean).join(' · ');
    c[0].textContent = r.rank;
    c[1].firstChild.textContent = r.p.text;
    c[1].lastChild.textContent = t;
    c[1].lastChild.hidden = !t;
    ul.removeChild(none);
    W.sync(ul, r.acts, function (a) { return a.id; }, function () {
      var a = el('li', 's-act');
      a.appendChild(el('span', 'a-text'));
      a.appendChild(el('span', 'pill'));
      a.appendChild(el('span', 'meta'));
      return a;
    }, function (a, x) {
      var n = x.volunteers || 0;
      a.children[0].textContent = x.text;
      W.pill(a.children[1], x);
      /* the due date first, so "(overdue)" is never cut off */
      W.meta(a.children[2], {due_label: x.due_label, overdue: x.overdue}, [[x.owner ? W.t('Owner: {name}', {name: x.owner}) : ''], [n ? W.tn('{n} person can help', '{n} people can help', n) : '']].filter(function (m) { return m[0]; }));
    });
    ul.insertBefore(none, ul.firstChild);
    none.hidden = r.acts.length > 0;
  }

  function render() {
    /* the workshop's languages changed on the console: the wall's own words come with the page */
    if (state.language && (state.language !== W.lang || (state.wall_language2 || null) !== W.lang2)) { location.reload(); return; }
    var st = state.stage, props = state.proposals || [], shown = state.proposals_revealed;
    var h = '', big = '', sub = '', rows = [], plan = false, res = null, part = false, m = W.byId(props), rd = state.round || {};
    var where = [state.place, state.held_on_label].filter(Boolean).join(' · ');
    document.title = W.t('{title} (screen)', {title: state.title});
    $('s-title').textContent = state.title;
    $('s-where').textContent = where;
    $('s-where').hidden = !where;
    $('s-stage').textContent = W.t(W.STAGES[st] || st);
    joined();
    if (st === 'lobby') { big = W.t('Scan the code to join'); sub = W.t('No account needed. Your name is optional and is never published.'); }
    else if (st === 'propose' || st === 'group') {
      if (shown && props.length) { h = st === 'propose' ? W.t('Ideas so far') : W.t('Grouping similar ideas'); rows = props.map(function (p) { return {p: p}; }); }
      else {
        big = state.proposal_count ? W.tn('{n} idea so far', '{n} ideas so far', state.proposal_count) : W.t('No ideas yet');
        sub = st === 'propose' ? W.t('Type your ideas on your phone.') : W.t('The facilitator is grouping similar ideas.');
      }
    } else if (st === 'vote' || st === 'results') {
      var hidden = !tally || tally.results_hidden || (st === 'results' && !state.results_revealed);
      part = !!tally && st === 'vote';
      if (tally) W.wall.participation(state, tally, $('s-part'), hidden);
      h = rd.method === 'dots' && tally && tally.votes != null ? W.tn('{n} dot placed', '{n} dots placed', tally.votes) : (rd.method_label ? W.t(rd.method_label) : '');
      if (rd.number > 1) h = W.t('Round {n}: {method}', {n: rd.number, method: h});
      if (rd.candidates) h += ' ' + W.t('(on themes)');
      if (!hidden) {
        res = W.wall.results(state, tally, W.items(state, tally)); /* themes, on a vote on themes */
        rows = res.rows;
      }
      if (st === 'vote' && hidden) sub = W.t('Results will be shown when voting closes.');
      else if (st === 'vote' && !props.length) big = W.t('No ideas yet');
      else if (st === 'vote' && !rows.length) sub = W.t('No votes yet: the results appear here as votes come in.');
      if (st === 'results' && !rows.length) { h = ''; big = W.t('Results coming up'); sub = ''; }
    } else {
      plan = true;
      rows = W.priorities(props).map(function (p) { return {p: p, rank: String(p.priority_rank), acts: W.acts(state, p.id)}; });
      h = rows.length ? W.t('Our priorities') : '';
      if (st === 'closed') {
        if (rows.length) sub = W.t('Thank you for taking part.') + (state.plan_public ? ' ' + W.t('Scan the code to see the plan.') : '');
        else big = W.t('Thank you for taking part.');
      } else if (!rows.length) big = W.t('Priorities will appear here');
    }
    body.classList.toggle('planning', plan && rows.length > 0);
    $('s-h').textContent = h;
    $('s-h').hidden = !h;
    $('s-big').textContent = big;
    $('s-big').hidden = !big;
    $('s-sub').textContent = sub;
    $('s-sub').hidden = !sub;
    $('s-part').hidden = !part;
    ['view', 'extra', 'foot'].forEach(function (k, i) {
      var t = res ? res[['label', 'extra', 'foot'][i]] : '';
      $('s-' + k).textContent = t;
      $('s-' + k).hidden = !t;
    });
    if (W.wallThemes) W.wallThemes(state, tally);
    var list = $('s-list'), mk = res && res.make, pre = st + (res ? res.view : '');
    /* the join code stays, smaller, once there is a result or a plan to read */
    body.classList.toggle('results-up', !plan && rows.length > 0 && !!res);
    W.sync(list, rows, function (r) { return pre + r.p.id; }, plan ? prow : mk || row, plan ? updPrio : (res && res.upd) || upd);
    /* By group: the titles get as much room as all the group columns together; on a
       narrow wall each title takes a line of its own above its groups' numbers. */
    var g = res && res.groups, narrow = $('main').clientWidth < 1100;
    list.style.gridTemplateColumns = !g ? '' : narrow ? 'auto repeat(' + g + ',minmax(0,1fr))'
      : 'auto minmax(0,' + g + 'fr) repeat(' + g + ',minmax(2.6em,1fr))';
    if (plan) W.wallFit.pages(list, $('main'), $('s-more'), ['plan p0', 'plan p1'],
      [W.N_('Priority {from} of {total}: the next page follows in a moment.'), W.N_('Priorities {from} to {to} of {total}: the next page follows in a moment.')]);
    else if (!res) W.wallFit.pages(list, $('main'), $('s-more'), ['d0', 'd1', 'd2'],
      [W.N_('Idea {from} of {total}: the next page follows in a moment.'), W.N_('Ideas {from} to {to} of {total}: the next page follows in a moment.')]);
    else W.wallFit.list(list, $('main'), $('s-more'), g ? [narrow ? 'gtable gstack' : 'gtable'] : ['d0', 'd1', 'd2'], res.unsupported || 0);
  }
})();
