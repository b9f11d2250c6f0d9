/* Facilitator console, run sheets and the printed kit (facilitator.js calls render): follow a
   timed plan (where the workshop stands against it, the next step, skip, repeat, reorder)
   and open the poster, paper ballots and the wall chart ready to print. */
W.runSheetConsole = function (x) {
  'use strict';
  var $ = W.$, el = W.el, code = document.body.dataset.code, listed = null;
  function S() { return x.state(); }
  function btn(text, cls) { var b = el('button', 'btn' + (cls ? ' ' + cls : ''), text); b.type = 'button'; return b; }
  function section(id, title) {
    var s = el('section', 'panel'), h = el('h2', null, title);
    s.id = id;
    h.id = id + '-h';
    s.setAttribute('aria-labelledby', h.id);
    s.appendChild(h);
    return s;
  }

  /* -- run sheet ------------------------------------------------------------------------ */
  var sec = section('rs-sec', W.t('Run sheet')), pick = el('form', 'rs-pick'), follow = el('div', 'rs-follow');
  var lab = el('label', null, W.t('Plan to follow')), sel = el('select'), about = el('p', 'hint'), refused = el('ul', 'err-box');
  sel.id = 'rs-select';
  lab.htmlFor = sel.id;
  pick.noValidate = true;
  [lab, sel, about].forEach(function (n) { pick.appendChild(n); });
  pick.appendChild(btn(W.t('Follow this plan'))).type = 'submit';
  refused.hidden = true;
  sec.appendChild(pick);
  sec.appendChild(refused);
  var now = follow.appendChild(el('p', 'rs-now')), late = follow.appendChild(el('p'));
  var nextBtn = follow.appendChild(btn(W.t('Next step'))), steps = follow.appendChild(el('ol', 'rs-steps'));
  var stop = follow.appendChild(btn(W.t('Stop following the plan'), 's'));
  nextBtn.id = 'rs-next';
  late.id = 'rs-late';
  late.setAttribute('aria-live', 'polite');
  sec.appendChild(follow);
  var col = document.querySelector('.f-col');
  col.insertBefore(sec, col.children[1]);

  function load() {
    fetch('/api/run-sheets').then(function (r) { return r.json(); }).then(function (j) {
      listed = j;
      sel.textContent = '';
      j.run_sheets.forEach(function (s) { sel.appendChild(el('option', null, s.title + ' (' + s.minutes + ' min)')).value = s.name; });
      refused.textContent = '';
      j.refused.forEach(function (t) { refused.appendChild(el('li', null, 'Refused: ' + t)); });
      refused.hidden = !j.refused.length;
      describe();
    }, function () { about.textContent = W.t('The list of plans did not load: reload the page to try again.'); });
  }
  function describe() {
    var s = listed && listed.run_sheets.filter(function (r) { return r.name === sel.value; })[0];
    about.textContent = s ? s.about : '';
  }
  sel.addEventListener('change', describe);
  pick.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!sel.value) return;
    x.send('start_run_sheet', {name: sel.value}, function (ack) { W.announce(W.t('Following the plan. Now: {step}.', {step: ack.title})); });
  });
  nextBtn.addEventListener('click', function () {
    var rs = S().run_sheet;
    x.send('run_sheet_step', {action: 'next', at: rs ? rs.current : null}, function (ack) {
      W.announce(ack.title ? 'Now: ' + ack.title + '.' : W.t('The plan is finished.'));
    });
  });
  stop.addEventListener('click', function () { x.send('stop_run_sheet', {}, function () { W.announce(W.t('Stopped following the plan.')); }); });
  function act(action, index, to, said) {
    var p = {action: action, index: index};
    if (to != null) p.to = to;
    x.send('run_sheet_step', p, function () { W.announce(said); });
  }
  function mins(ms) { var m = Math.round(Math.abs(ms) / 60000); return W.tn('{n} minute', '{n} minutes', m); }

  function stepRow() {
    var li = el('li'), acts = el('span', 'row');
    li.appendChild(el('span', 'rs-t'));
    [btn(W.t('Skip'), 's'), btn(W.t('Earlier'), 's'), btn(W.t('Later'), 's'), btn(W.t('Repeat'), 's')].forEach(function (b) { acts.appendChild(b); });
    li.appendChild(acts);
    var b = acts.children;
    b[0].addEventListener('click', function () { act('skip', li._i, null, 'Skipped: ' + li._s.title + '.'); });
    b[1].addEventListener('click', function () { act('move', li._i, li._i - 1, W.t('Moved earlier.')); });
    b[2].addEventListener('click', function () { act('move', li._i, li._i + 1, W.t('Moved later.')); });
    b[3].addEventListener('click', function () { act('repeat', li._i, null, W.t('It will run again next.')); });
    return li;
  }
  function updStep(li, s, i, rs) {
    li._i = i;
    li._s = s;
    li.className = s.status;
    var words = {done: ' (done)', skipped: ' (skipped)', current: ' (now)', pending: ''}[s.status];
    li.children[0].textContent = s.title + ' · ' + s.minutes + ' min' + words + (s.note ? ' — ' + s.note : '');
    var b = li.children[1].children, pending = s.status === 'pending';
    b[0].hidden = !pending;
    b[1].hidden = !pending || i === rs.next;
    b[2].hidden = !pending || i === rs.steps.length - 1;
    b[3].hidden = s.status === 'pending' || s.status === 'skipped';
    [W.t('Skip'), W.t('Move earlier'), W.t('Move later'), W.t('Repeat')].forEach(function (v, k) { b[k].setAttribute('aria-label', v + ': ' + s.title); });
  }

  /* -- printed kit ------------------------------------------------------------------------ */
  var kit = section('kit-sec', W.t('Printed kit'));
  kit.appendChild(el('p', 'hint', W.t('For people without a phone. Numbers on paper are the numbers you type in.')));
  var kitList = kit.appendChild(el('ul', 'list'));
  [['poster', W.t('QR poster')], ['ballot', W.t('Paper ballots for this round')], ['wall-chart', W.t('Wall chart for dot stickers')]].forEach(function (k) {
    var li = kitList.appendChild(el('li'));
    li.appendChild(document.createTextNode(k[1] + ': '));
    [['a4', 'A4'], ['letter', W.t('US letter')]].forEach(function (p, i) {
      var a = el('a', null, p[1]);
      a.href = '/w/' + code + '/print/' + k[0] + '?paper=' + p[0];
      a.target = '_blank';
      a.rel = 'noopener';
      a.id = 'kit-' + k[0] + '-' + p[0];
      a.appendChild(el('span', 'vh', ' ' + W.t('({paper}, opens in a new tab)', {paper: k[1]})));
      if (i) li.appendChild(document.createTextNode(' · '));
      li.appendChild(a);
    });
  });
  col.insertBefore(kit, $('det-h').parentNode);

  /* The server says where things stood when it sent the snapshot; the clock moves on
     from there, so the lateness is brought up to date here between snapshots. */
  var seen = null, got = 0;
  function standing(rs) {
    var dt = rs.current != null ? Date.now() - got : 0, left = rs.step_left_ms == null ? null : rs.step_left_ms - dt;
    var lateMs = rs.late_ms + (left == null ? 0 : Math.max(0, -left) - Math.max(0, -rs.step_left_ms));
    var m = Math.round(lateMs / 60000), label = rs.current == null && rs.next == null ? W.t('Finished')
      : Math.abs(m) < 1 ? W.t('On time') : m > 0 ? 'Running ' + m + ' min over' : -m + ' min ahead';
    return {left: left, late: lateMs, label: label};
  }
  function render() {
    var st = S(), rs = st.run_sheet;
    if (st !== seen) { seen = st; got = Date.now(); }
    if (!listed) { listed = {run_sheets: [], refused: []}; load(); }
    pick.hidden = !!rs;
    follow.hidden = !rs;
    if (!rs) return;
    var cur = rs.current != null ? rs.steps[rs.current] : null, nxt = rs.next != null ? rs.steps[rs.next] : null, at = standing(rs);
    now.textContent = rs.title + ': ' + (cur ? (at.left > 0 ? W.t('now {step}, {time} left', {step: cur.title, time: mins(at.left)}) : W.t('now {step}, its time is up', {step: cur.title})) : W.t('finished'));
    late.textContent = at.label + '.';
    late.className = at.late >= 60000 ? 'rs-late' : 'rs-ok';
    nextBtn.textContent = nxt ? 'Next step: ' + nxt.title + ' (' + nxt.minutes + ' min)' : W.t('Finish the plan');
    nextBtn.hidden = !nxt && !cur;
    var items = rs.steps.map(function (s, i) { return {s: s, i: i}; });
    W.sync(steps, items, function (it) { return it.i + ':' + it.s.title; }, stepRow, function (li, it) { updStep(li, it.s, it.i, rs); });
  }
  setInterval(function () { if (S() && S().run_sheet && !document.hidden) render(); }, 15000);
  return {render: render};
};
