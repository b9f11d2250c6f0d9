/* Facilitator console, themes and the spotlight (facilitator.js calls render): make themes,
   move proposals by dragging or with the keyboard (a theme menu on every card), answer
   attendees' suggestions, and put one proposal or theme on the wall (N: next, B: back). */
W.themesConsole = function (x) {
  'use strict';
  var $ = W.$, el = W.el, d = document, themeReq = null;
  function S() { return x.state(); }
  function btn(text, cls) { var b = el('button', 'btn' + (cls ? ' ' + cls : ''), text); b.type = 'button'; return b; }

  var sec = el('section', 'panel'), h = el('h2', null, W.t('Themes'));
  sec.id = 'themes-sec';
  h.id = 'themes-h';
  sec.setAttribute('aria-labelledby', 'themes-h');
  sec.appendChild(h);
  sec.appendChild(el('p', 'hint', W.t('Drag a proposal onto a theme, or choose its theme from the menu on the card.') + ' ' +
    W.t('A theme’s support is the sum of its proposals’ votes.')));
  var form = el('form', 'row th-new'), lab = el('label', null, W.t('New theme')), inp = el('input');
  form.noValidate = true;
  inp.id = 'th-heading';
  inp.maxLength = 80;
  inp.autocomplete = 'off';
  lab.htmlFor = inp.id;
  form.appendChild(lab);
  form.appendChild(inp);
  form.appendChild(btn(W.t('Add theme'))).type = 'submit';
  sec.appendChild(form);
  var sug = el('button', 'toggle');
  sug.type = 'button';
  sug.id = 'th-suggest';
  sug.appendChild(el('span', 'state', W.t('Off'))).setAttribute('aria-hidden', 'true');
  sug.appendChild(d.createTextNode(' ' + W.t('Let people suggest themes from their phones')));
  sec.appendChild(sug);
  var spot = el('div', 'th-spot');
  spot.id = 'th-spot';
  spot.setAttribute('aria-live', 'polite');
  var spotText = spot.appendChild(el('p', 'th-spot-now'));
  var spotRow = spot.appendChild(el('div', 'row'));
  var prev = spotRow.appendChild(btn(W.t('Previous (B)'), 's')), next = spotRow.appendChild(btn(W.t('Next on the wall (N)')));
  var nextTheme = spotRow.appendChild(btn(W.t('Next theme on the wall'), 's')), down = spotRow.appendChild(btn(W.t('Take it off the wall'), 's'));
  prev.id = 'spot-prev';
  next.id = 'spot-next';
  down.id = 'spot-off';
  sec.appendChild(spot);
  /* A round on the themes themselves, or on the proposals of one theme (the rounds
     panel starts every other kind). */
  var vote = el('form', 'row th-vote'), vl = el('label', null, W.t('Vote on')), vsel = el('select');
  var ml = el('label', null, 'by'), msel = el('select'), voteReq = null;
  vote.noValidate = true;
  vsel.id = 'th-vote-theme';
  vl.htmlFor = vsel.id;
  msel.id = 'th-vote-method';
  ml.htmlFor = msel.id;
  [['approval', W.t('Approval')], ['ranking', W.t('Ranking')], ['points', W.t('Points')], ['dots', W.t('Dot voting')]].forEach(function (m) {
    msel.appendChild(el('option', null, m[1])).value = m[0];
  });
  [vl, vsel, ml, msel].forEach(function (n) { vote.appendChild(n); });
  vote.appendChild(btn(W.t('Start the round'))).type = 'submit';
  sec.appendChild(vote);
  vote.addEventListener('submit', function (e) {
    e.preventDefault();
    var all = vsel.value === 'all', p = all ? {method: msel.value, on_themes: true} : {method: msel.value, theme_id: parseInt(vsel.value, 10)};
    if (!all && !p.theme_id) { W.showMsg(W.t('Make a theme first, then vote within it.')); return; }
    var sig = p.method + ':' + vsel.value;
    voteReq = voteReq && voteReq.sig === sig ? voteReq : {sig: sig, id: W.rand()};
    p.request_id = voteReq.id;
    x.send('start_round', p, function (ack) {
      voteReq = null;
      W.announce(all ? W.t('Round {n} started on the themes themselves.', {n: ack.number}) : W.t('Round {n} started on one theme.', {n: ack.number}));
    });
  });
  var sugBox = sec.appendChild(el('div', 'th-sugs'));
  sugBox.appendChild(el('h3', null, W.t('Suggestions from phones')));
  var sugList = sugBox.appendChild(el('ul', 'list'));
  sugList.id = 'th-sug-list';
  var board = sec.appendChild(el('div', 'th-board'));
  board.id = 'th-board';
  var gone = sec.appendChild(el('div', 'th-gone'));
  gone.appendChild(el('h3', null, W.t('Dissolved themes')));
  var goneList = gone.appendChild(el('ul', 'list'));
  var props = $('props-sec');
  props.parentNode.insertBefore(sec, props);

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var heading = inp.value.trim();
    if (!heading) { W.showMsg(W.t('Type a heading for the theme first.')); inp.focus(); return; }
    themeReq = themeReq && themeReq.heading === heading ? themeReq : {heading: heading, request_id: W.rand()};
    x.send('create_theme', themeReq, function () { themeReq = null; inp.value = ''; W.announce(W.t('Theme added: {theme}.', {theme: heading})); });
  });
  sug.addEventListener('click', function () {
    var on = sug.getAttribute('aria-pressed') !== 'true';
    x.send('allow_theme_suggestions', {allowed: on}, function () { W.announce(on ? W.t('Phones can suggest themes.') : W.t('Theme suggestions are off.')); });
  });
  function step(dir, kind) {
    var p = {direction: dir};
    if (kind) p.kind = kind;
    x.send('spotlight_next', p, function (ack) { W.announce(W.t('On the wall: {what}.', {what: label(ack.spotlight)})); });
  }
  prev.addEventListener('click', function () { step(-1); });
  next.addEventListener('click', function () { step(1); });
  nextTheme.addEventListener('click', function () { step(1, 'theme'); });
  down.addEventListener('click', function () { x.send('spotlight', {}, function () { W.announce(W.t('Nothing on the wall now.')); }); });
  /* One key steps the spotlight, as long as the facilitator is not typing. */
  d.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || /INPUT|TEXTAREA|SELECT/.test(e.target.tagName) || !S()) return;
    if (e.key === 'n' || e.key === 'N') { e.preventDefault(); step(1); }
    if (e.key === 'b' || e.key === 'B') { e.preventDefault(); step(-1); }
  });

  function label(s) {
    if (!s) return 'nothing';
    var st = S(), found = s.kind === 'theme' ? (st.themes || []).filter(function (t) { return t.id === s.id; })[0]
      : (st.proposals || []).filter(function (p) { return p.id === s.id; })[0];
    return found ? (s.kind === 'theme' ? W.t('theme {theme}', {theme: found.heading}) : W.short(found.text, 60)) : W.t('the next item');
  }

  /* -- the board: a column per theme and one for proposals in none ----------------- */
  function column(t) {
    var col = el('section', 'th-col'), head = el('div', 'th-head'), h3 = el('h3');
    head.appendChild(h3);
    head.appendChild(el('span', 'th-sum'));
    col.appendChild(head);
    col.appendChild(el('ul', 'th-cards'));
    if (t.id) {
      var acts = el('div', 'row th-acts'), ren = btn(W.t('Rename'), 's'), show = btn(W.t('Spotlight'), 's'), dis = btn(W.t('Dissolve'), 'w');
      var left = btn(W.t('Earlier'), 's'), right = btn(W.t('Later'), 's');
      [ren, show, left, right, dis].forEach(function (b) { acts.appendChild(b); });
      col.appendChild(acts);
      /* the wall's column order, without dragging */
      function shift(by) {
        var ids = (S().themes || []).map(function (c) { return c.id; }), at = ids.indexOf(t.id), to = at + by;
        if (at < 0 || to < 0 || to >= ids.length) return;
        ids.splice(to, 0, ids.splice(at, 1)[0]);
        x.send('order_themes', {theme_ids: ids}, function () { W.announce(W.t('{theme} is now column {n}.', {theme: col._t.heading, n: to + 1})); });
      }
      left.addEventListener('click', function () { shift(-1); });
      right.addEventListener('click', function () { shift(1); });
      ren.addEventListener('click', function () {
        var cur = col._t.heading, f = el('form', 'row'), i = el('input'), l = el('label', null, W.t('New heading'));
        i.id = 'th-ren-' + t.id;
        i.maxLength = 80;
        i.value = cur;
        l.htmlFor = i.id;
        f.appendChild(l);
        f.appendChild(i);
        f.appendChild(btn(W.t('Save'))).type = 'submit';
        acts.hidden = true;
        col.appendChild(f);
        i.focus();
        f.addEventListener('submit', function (e) {
          e.preventDefault();
          x.send('rename_theme', {theme_id: t.id, heading: i.value.trim()}, function () { f.remove(); acts.hidden = false; ren.focus(); W.announce('Renamed.'); });
        });
      });
      show.addEventListener('click', function () { x.send('spotlight', {kind: 'theme', id: t.id}, function () { W.announce(W.t('On the wall: {what}.', {what: W.t('theme {theme}', {theme: col._t.heading})})); }); });
      dis.addEventListener('click', function () { x.send('dissolve_theme', {theme_id: t.id, dissolved: true}, function () { W.announce(W.t('Theme dissolved: its proposals stand alone. Restore it below.')); }); });
    }
    col.addEventListener('dragover', function (e) { e.preventDefault(); col.classList.add('over'); });
    col.addEventListener('dragleave', function () { col.classList.remove('over'); });
    col.addEventListener('drop', function (e) {
      e.preventDefault();
      col.classList.remove('over');
      var id = parseInt(e.dataTransfer.getData('text/plain'), 10);
      if (id) move(id, col._t.id || null);
    });
    return col;
  }
  function move(pid, themeId) {
    x.send('move_to_theme', {proposal_ids: [pid], theme_id: themeId}, function () {
      var t = (S().themes || []).filter(function (c) { return c.id === themeId; })[0];
      W.announce(t ? 'Moved into ' + t.heading + '.' : W.t('Moved out of its theme.'));
    });
  }
  function card(p) {
    var li = el('li', 'th-card'), sl = el('label', 'vh'), sel = el('select'), sp = btn(W.t('Spotlight'), 's');
    li.draggable = true;
    li.appendChild(el('span', 'th-num'));
    li.appendChild(el('span', 'ptext'));
    sel.id = 'th-move-' + p.id;
    sl.htmlFor = sel.id;
    var row = el('div', 'row');
    row.appendChild(sl);
    row.appendChild(sel);
    row.appendChild(sp);
    li.appendChild(row);
    li.addEventListener('dragstart', function (e) { e.dataTransfer.setData('text/plain', String(p.id)); e.dataTransfer.effectAllowed = 'move'; });
    sel.addEventListener('change', function () { move(p.id, parseInt(sel.value, 10) || null); });
    sp.addEventListener('click', function () { x.send('spotlight', {kind: 'proposal', id: p.id}, function () { W.announce(W.t('On the wall: {what}.', {what: W.short(li._p.text, 60)})); }); });
    return li;
  }
  function updCard(li, p, themes) {
    li._p = p;
    li.children[0].textContent = '#' + p.number;
    li.children[1].textContent = p.text;
    var sel = li.querySelector('select'), sig = themes.map(function (t) { return t.id + ':' + t.heading; }).join('|');
    li.querySelector('label').textContent = 'Theme of: ' + W.short(p.text, 50);
    li.querySelector('button').setAttribute('aria-label', 'Spotlight: ' + W.short(p.text, 50));
    if (sel._sig !== sig) {
      sel._sig = sig;
      sel.textContent = '';
      sel.appendChild(el('option', null, W.t('No theme'))).value = '';
      themes.forEach(function (t) { sel.appendChild(el('option', null, W.short(t.heading, 40))).value = String(t.id); });
    }
    sel.value = p.theme_id ? String(p.theme_id) : '';
  }
  function updColumn(col, t, byId, tally, themes) {
    col._t = t;
    if (t.id) {
      var b = col.querySelectorAll('.th-acts button'), at = themes.indexOf(t);
      [W.t('Rename'), W.t('Spotlight'), W.t('Move earlier'), W.t('Move later'), W.t('Dissolve')].forEach(function (v, k) { b[k].setAttribute('aria-label', v + ': ' + t.heading); });
      b[2].hidden = at <= 0;
      b[3].hidden = at >= themes.length - 1;
    }
    col.children[0].children[0].textContent = t.heading;
    var sum = t.id ? t.proposal_ids.reduce(function (n, id) { return n + ((tally && tally.totals[id]) || 0); }, 0) : null;
    col.children[0].children[1].textContent = tally && t.id ? 'support ' + sum + ' (sum)' : '';
    var items = t.proposal_ids.map(function (id) { return byId[id]; }).filter(Boolean);
    W.sync(col.children[1], items, function (p) { return p.id; }, card, function (li, p) { updCard(li, p, themes); });
    col.setAttribute('aria-label', t.heading + ': ' + W.tn('{n} proposal', '{n} proposals', items.length));
  }

  function render(tally) {
    var st = S(), themes = st.themes || [], vis = (st.proposals || []).filter(function (p) { return !p.hidden; });
    var byId = W.byId(vis), placed = {};
    themes.forEach(function (t) { t.proposal_ids.forEach(function (id) { placed[id] = 1; }); });
    var cols = themes.concat([{id: 0, heading: W.t('Not in a theme'), proposal_ids: vis.filter(function (p) { return !placed[p.id]; }).map(function (p) { return p.id; })}]);
    W.sync(board, cols, function (t) { return t.id; }, column, function (col, t) { updColumn(col, t, byId, tally, themes); });
    vote.hidden = !themes.length;
    var choices = [{id: 'all', heading: W.t('The themes themselves (each theme is one choice)')}].concat(themes.map(function (t) { return {id: t.id, heading: W.t('The ideas in “{theme}”', {theme: t.heading})}; }));
    W.sync(vsel, choices, function (t) { return t.id; }, function () { return el('option'); },
      function (o, t) { o.value = String(t.id); o.textContent = t.heading; });
    var on = !!st.theme_suggestions_open;
    sug.setAttribute('aria-pressed', on ? 'true' : 'false');
    sug.querySelector('.state').textContent = on ? W.t('On') : W.t('Off');
    var s = st.spotlight;
    spotText.textContent = s ? 'On the wall for discussion: ' + (s.kind === 'theme' ? 'theme “' + s.text + '”' : '#' + s.number + ' ' + s.text) : W.t('Nothing is on the wall for discussion. Press N to show the first proposal.');
    W.able(down, !!s);
    var sugs = st.theme_suggestions || [];
    sugBox.hidden = !sugs.length;
    W.sync(sugList, sugs, function (g) { return g.id; }, function (g) {
      var li = el('li'), yes = btn(W.t('Accept')), no = btn(W.t('Dismiss'), 's');
      li.appendChild(el('p'));
      li.appendChild(yes);
      li.appendChild(no);
      yes.addEventListener('click', function () { x.send('answer_theme_suggestion', {suggestion_id: g.id, accept: true}, function () { W.announce(W.t('Suggestion accepted.')); }); });
      no.addEventListener('click', function () { x.send('answer_theme_suggestion', {suggestion_id: g.id, accept: false}, function () { W.announce(W.t('Suggestion dismissed.')); }); });
      return li;
    }, function (li, g) {
      var p = byId[g.proposal_id];
      li.children[0].textContent = 'Put “' + (p ? W.short(p.text, 60) : 'a proposal') + '” under “' + g.heading + '”';
    });
    var dis = st.dissolved_themes || [];
    gone.hidden = !dis.length;
    W.sync(goneList, dis, function (t) { return t.id; }, function (t) {
      var li = el('li'), b = btn(W.t('Restore'), 's');
      li.appendChild(el('span'));
      li.appendChild(b);
      b.addEventListener('click', function () { x.send('dissolve_theme', {theme_id: t.id, dissolved: false}, function () { W.announce(W.t('Theme restored.')); }); });
      return li;
    }, function (li, t) { li.children[0].textContent = t.heading + ' '; li.children[1].setAttribute('aria-label', W.t('Restore theme: {theme}', {theme: t.heading})); });
  }
  return {render: render};
};
