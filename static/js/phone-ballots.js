/* Attendee phone, whole ballots (loaded by phone.js only in an approval, ranking or points
   round): choose, review, send, and change it until voting closes. */
W.phoneBallots = function (x) {
  'use strict';
  var el = W.el, box = W.$('ballot'), DONE = W.N_('Your vote is in — you can change it until voting closes.');
  var rid = null, method = null, draft = null, base = 'null', ids = [], names = {};
  var bar = el('div', 'dots'), barText = el('p'), intro = el('p', 'lead');
  var rankSec = el('section', 'ranked'), rankList = el('ol', 'list'), rankNone = el('p', 'hint');
  var listH = el('h3'), list = el('ul', 'list'), send = btn('', 'btn big'), why = el('p', 'hint'), status = el('p');
  bar.id = 'b-bar';
  barText.id = 'b-left';
  why.id = 'b-why';
  status.id = 'b-status';
  send.id = 'b-send';
  send.setAttribute('aria-describedby', 'b-why b-status');
  bar.appendChild(barText);
  rankSec.appendChild(el('h3', null, W.t('Your ranking')));
  [rankNone, rankList].forEach(function (n) { rankSec.appendChild(n); });
  [bar, intro, rankSec, listH, list, send, why, status].forEach(function (n) { box.appendChild(n); });

  function btn(text, cls) { var b = el('button', cls || 'btn', text); b.type = 'button'; return b; }
  function round() { return x.state().round; }
  function name(id) { return W.short(names[id] || ''); }
  function full() { return draft.length >= round().top_k; }
  function used() { var n = 0; ids.forEach(function (id) { n += draft[id] || 0; }); return n; }

  /* the draft as the server wants it, left to right: only what is still on the ballot */
  function choices() {
    if (method === 'ranking') return draft.filter(function (id) { return names[id]; });
    if (method === 'approval') return ids.filter(function (id) { return draft[id]; });
    var c = {};
    ids.forEach(function (id) { if (draft[id] > 0) c[id] = draft[id]; });
    return c;
  }
  function key(c) { return JSON.stringify(c); }
  /* changed since the ballot last sent (or, before any, since nothing was chosen) */
  function dirty() {
    var c = choices();
    return base === 'null' ? (Array.isArray(c) ? c.length : Object.keys(c).length) > 0 : key(c) !== base;
  }
  function fromBallot(b) {
    if (method === 'ranking') return (b || []).slice();
    var d = {};
    if (Array.isArray(b)) b.forEach(function (id) { d[id] = true; });
    else if (b) Object.keys(b).forEach(function (id) { d[id] = b[id]; });
    return d;
  }
  function mine() { return x.fresh() ? x.me().my_ballot : null; }
  function canSend() {
    var r = round(), n = used();
    if (method === 'ranking') return draft.length > 0;
    if (method === 'points') return r.points_exact ? n === r.points_total : n <= r.points_total;
    return true;
  }
  function whyNot() {
    var r = round(), n = used(), t = r.points_total;
    if (method === 'ranking') return draft.length ? '' : W.t('Add at least one idea to your ranking to send it.');
    if (method === 'approval') return choices().length ? '' : W.t('Sending with nothing chosen says you support none of these ideas.');
    if (n > t) return W.t('You have given {given} points: take {extra} off to send.', {given: n, extra: n - t});
    if (r.points_exact && n < t) return W.t('Share all {total} points to send: {left} left.', {total: t, left: t - n});
    return '';
  }

  /* this round's ballots in the outbox, oldest first */
  function waiting() { return x.waitingOf('ballot', function (p) { return p.round_id === rid; }); }
  send.addEventListener('click', function () {
    if (W.off(send)) { W.showMsg(whyNot()); return; }
    /* a newer ballot replaces one never sent; one already sent is settled first, then replaced */
    waiting().forEach(function (it) { x.box.cancel(it.id); });
    x.queue('cast_ballot', {round_id: rid, choices: choices()}, 'ballot', '', W.t('Your vote is waiting to send.'));
  });
  x.hooks.ballot = function (it) {
    if (it.payload.round_id !== rid || waiting().length) return;
    base = key(it.payload.choices);
    W.announce(DONE);
  };

  /* approval: one toggle per idea */
  function approveCard() {
    var li = el('li', 'card'), t = btn('', 'btn s tog');
    li.appendChild(el('p', 'ptext'));
    li.appendChild(el('p', 'also'));
    t.appendChild(el('span', 'tick'));
    t.appendChild(document.createTextNode(W.t('Support')));
    t.addEventListener('click', function () {
      var id = li._id;
      draft[id] = !draft[id];
      x.render();
      W.announce((draft[id] ? W.t('You support: {idea}.', {idea: name(id)}) : W.t('No longer supported: {idea}.', {idea: name(id)})) + ' ' + W.t('Not sent yet.'));
    });
    li.appendChild(t);
    return li;
  }
  function fill(li, p) {
    li._id = p.id;
    li.children[0].textContent = p.text;
    li.children[1].textContent = W.also(p);
    li.children[1].hidden = !li.children[1].textContent;
  }
  function updApprove(li, p) {
    var t = li.children[2];
    fill(li, p);
    li.classList.toggle('voted', !!draft[p.id]);
    t.setAttribute('aria-pressed', draft[p.id] ? 'true' : 'false');
    t.setAttribute('aria-label', W.t('Support: {idea}', {idea: name(p.id)}));
  }

  /* ranking: tap ideas in order; move them up, down or out */
  function ranked() {
    var li = el('li', 'card rk'), head = el('p', 'rk-head'), row = el('div', 'vrow');
    head.appendChild(el('span', 'rank'));
    head.appendChild(el('span', 'ptext'));
    li.appendChild(head);
    [[W.t('↑ Up'), -1, 'Move up'], [W.t('↓ Down'), 1, 'Move down'], [W.t('Remove'), 0, 'Remove']].forEach(function (a) {
      var b = btn(a[0], 'btn s');
      b.dataset.act = a[2];
      b.addEventListener('click', function () { move(li._id, a[1], a[2], b); });
      row.appendChild(b);
    });
    li.appendChild(row);
    return li;
  }
  function updRanked(li, id, i) {
    var b = li.querySelectorAll('button'), n = name(id);
    li._id = id;
    li.querySelector('.rank').textContent = i + 1;
    li.querySelector('.ptext').textContent = names[id];
    b[0].setAttribute('aria-label', W.t('Move up: {idea}', {idea: n}));
    b[1].setAttribute('aria-label', W.t('Move down: {idea}', {idea: n}));
    b[2].setAttribute('aria-label', W.t('Remove from my ranking: {idea}', {idea: n}));
    W.able(b[0], i > 0);
    W.able(b[1], i < draft.length - 1);
  }
  function refocus(id, act) {
    var li = rankList.querySelector('[data-key="' + id + '"]');
    if (li) li.querySelector('[data-act="' + act + '"]').focus();
  }
  function move(id, step, act, b) {
    var i = draft.indexOf(id), j = i + step;
    if (W.off(b)) { W.announce((step < 0 ? W.t('{idea} is already first.', {idea: name(id)}) : W.t('{idea} is already last.', {idea: name(id)}))); return; }
    if (!step) {
      draft.splice(i, 1);
      x.render();
      var next = rankList.children[Math.min(i, rankList.children.length - 1)];
      (next ? next.querySelector('[data-act="Remove"]') : listH).focus();
      W.announce(W.t('Removed from your ranking: {idea}.', {idea: name(id)}) + ' ' + W.t('Not sent yet.'));
      return;
    }
    draft.splice(i, 1);
    draft.splice(j, 0, id);
    x.render();
    refocus(id, act);
    W.announce(W.t('{idea} is now number {n} of {count}.', {idea: name(id), n: j + 1, count: draft.length}) + ' ' + W.t('Not sent yet.'));
  }
  function addCard() {
    var li = el('li', 'card'), b = btn(W.t('Add to my ranking'), 'btn');
    li.appendChild(el('p', 'ptext'));
    li.appendChild(el('p', 'also'));
    b.addEventListener('click', function () {
      var id = li._id, at = Array.prototype.indexOf.call(list.children, li);
      if (W.off(b)) { W.showMsg(W.t('You have ranked {n} ideas, the most this round allows. Remove one to add another.', {n: round().top_k})); return; }
      draft.push(id);
      x.render();
      var next = list.children[Math.min(at, list.children.length - 1)];
      (next && !full() ? next.querySelector('button') : send).focus();
      W.announce(W.t('Added {idea} as number {n}.', {idea: name(id), n: draft.length}) + ' ' + W.t('Not sent yet.'));
    });
    li.appendChild(b);
    return li;
  }
  function updAdd(li, p) {
    var b = li.children[2];
    fill(li, p);
    b.setAttribute('aria-label', W.t('Add to my ranking: {idea}', {idea: name(p.id)}));
    W.able(b, !full());
  }

  /* points: a number per idea, with − and + */
  function pointsCard() {
    var li = el('li', 'card'), row = el('div', 'vrow pts-row'), minus = btn('−', 'btn s'), plus = btn('+', 'btn s'), inp = el('input', 'num');
    inp.type = 'number';
    inp.min = '0';
    inp.inputMode = 'numeric';
    li.appendChild(el('p', 'ptext'));
    li.appendChild(el('p', 'also'));
    [minus, inp, plus].forEach(function (n) { row.appendChild(n); });
    li.appendChild(row);
    function set(v, say) {
      var id = li._id;
      draft[id] = Math.max(0, Math.min(round().points_total, v || 0));
      x.render();
      if (say) W.announce(name(id) + ': ' + W.points(draft[id]) + '. ' + leftText() + '.');
    }
    minus.addEventListener('click', function () { set((draft[li._id] || 0) - step(), true); });
    plus.addEventListener('click', function () { set((draft[li._id] || 0) + step(), true); });
    inp.addEventListener('input', function () { set(parseInt(inp.value, 10), false); });
    inp.addEventListener('change', function () { inp.value = draft[li._id] || 0; });
    return li;
  }
  function step() { return round().points_total > 100 ? 10 : 5; }
  function leftText() { var t = round().points_total; return W.t('{left} of {total} points left', {left: t - used(), total: t}); }
  function updPoints(li, p) {
    var b = li.querySelectorAll('button'), inp = li.querySelector('input'), n = name(p.id), v = draft[p.id] || 0;
    fill(li, p);
    li.classList.toggle('voted', v > 0);
    b[0].setAttribute('aria-label', W.t('{n} fewer points: {idea}', {n: step(), idea: n}));
    b[1].setAttribute('aria-label', W.t('{n} more points: {idea}', {n: step(), idea: n}));
    inp.setAttribute('aria-label', W.t('Points for: {idea}', {idea: n}));
    inp.max = String(round().points_total);
    if (document.activeElement !== inp) inp.value = v;
    W.able(b[0], v > 0);
    W.able(b[1], used() < round().points_total);
  }

  function render(props) {
    var r = round(), b = mine(), k = r.top_k, w;
    if (r.id !== rid || r.method !== method) { rid = r.id; method = r.method; draft = fromBallot(b); base = key(b); }
    ids = props.map(function (p) { return p.id; });
    names = {};
    props.forEach(function (p) { names[p.id] = p.text; });
    if (key(b) !== base) { /* sent from another tab: take it unless this one has unsent changes */
      if (!dirty()) draft = fromBallot(b);
      base = key(b);
    }
    var changed = dirty(), rankIt = method === 'ranking';
    box.className = 'ballot b-' + method;
    bar.hidden = method === 'approval';
    if (method === 'points') barText.textContent = leftText();
    if (rankIt) barText.textContent = W.t('You have ranked {n} of up to {k}', {n: draft.length, k: k});
    /* a vote on themes says themes in every sentence */
    intro.textContent = r.candidates ? (method === 'approval' ? W.t('Choose every theme you support, as many or as few as you like, then send your vote.')
      : rankIt ? W.tn('Tap themes in order, your favourite first. Rank up to {n} theme, then send your ranking.',
        'Tap themes in order, your favourite first. Rank up to {n} themes, then send your ranking.', k)
      : W.t('Share {total} points between the themes: more points for what matters most.', {total: r.points_total}))
      : !props.length ? W.t('There are no ideas to vote on yet.')
      : method === 'approval' ? W.t('Choose every idea you support, as many or as few as you like, then send your vote.')
      : rankIt ? W.tn('Tap ideas in order, your favourite first. Rank up to {n} idea, then send your ranking.',
        'Tap ideas in order, your favourite first. Rank up to {n} ideas, then send your ranking.', k)
      : r.points_exact ? W.t('Share {total} points between the ideas: more points for what matters most. Use all of them.', {total: r.points_total})
      : W.t('Share {total} points between the ideas: more points for what matters most.', {total: r.points_total});
    rankSec.hidden = !rankIt;
    rankNone.textContent = W.t('Nothing ranked yet. Tap "Add to my ranking" on an idea below to put it first.');
    rankNone.hidden = draft.length > 0 || !rankIt;
    W.sync(rankList, rankIt ? choices() : [], String, ranked, updRanked);
    var shown = rankIt ? props.filter(function (p) { return draft.indexOf(p.id) < 0; }) : props;
    listH.textContent = r.candidates ? (rankIt ? (full() ? W.t('Themes not ranked') : W.t('Themes to rank')) : W.t('Themes'))
      : rankIt ? (full() ? W.t('Ideas not ranked') : W.t('Ideas to rank')) : W.t('Ideas');
    listH.tabIndex = -1;
    listH.hidden = !shown.length;
    W.sync(list, shown, function (p) { return method + p.id; }, rankIt ? addCard : method === 'approval' ? approveCard : pointsCard,
      rankIt ? updAdd : method === 'approval' ? updApprove : updPoints);
    send.textContent = rankIt ? W.t('Send my ranking') : method === 'points' ? W.t('Send my points') : W.t('Send my vote');
    send.hidden = !props.length;
    W.able(send, canSend());
    w = whyNot();
    why.textContent = w;
    why.hidden = !w;
    var queued = waiting(), last = queued.length ? key(queued[queued.length - 1].payload.choices) : null;
    status.textContent = last === key(choices()) ? (W.online ? W.t('Sending your vote…') : W.t('Your vote is waiting to send.') + ' ' + W.t('It will be sent when you are reconnected.'))
      : b == null ? (changed ? W.t('Not sent yet.') : '') : changed ? W.t('You have changes that are not sent yet. Send again to count them.') : W.t(DONE);
    status.className = b != null && !changed && last === null ? 'ok-text' : 'hint';
  }
  return {render: render};
};
