/* Facilitator console: steer the stages, timer, ideas, priorities and the action plan. */
(function () {
  'use strict';
  var $ = W.$, el = W.el, code = document.body.dataset.code, KEY = 'workshop.token.' + code;
  var m = /(?:^#|&)token=([^&]+)/.exec(location.hash), token = null;
  try { token = m ? decodeURIComponent(m[1]) : W.store.get(KEY); } catch (e) { token = null; }
  if (m && token) {
    W.store.set(KEY, token);
    /* Keep the token out of the address bar: the laptop is often mirrored on the wall. */
    if (history.replaceState) history.replaceState(null, '', location.pathname + location.search);
  }
  if (!token) { $('no-token').hidden = false; return; }

  var state = null, tally = null, adding = null;
  var timer = new W.Timer($('timer'), true);
  var sock = W.connect({code: code, token: token}, function () {
    var p = {code: code, token: token};
    if (state) p.version = state.version;
    W.cmd(sock, 'facilitate_workshop', p, function (ack) {
      $('console').hidden = false;
      $('no-token').hidden = true;
      live.reset(ack.state);
    }, function (ack) { if (ack && ack.reason === 'forbidden' && !state) $('no-token').hidden = false; });
  });
  W.onOnline = function () { if (state) render(); };
  /* attendance also ticks "Let people join" in the guide */
  var live = W.live(sock, {timer: timer, stageSaid: W.t('Stage: '), attendance: function () { attendance(); guide.render(); },
    changed: function (s, t) { state = s; tally = t; render(); }});

  function send(name, payload, ok, fail) { W.cmd(sock, name, payload || {}, ok, fail); }
  var presenting = W.presenting(function () { if (state) render(); });
  var roomPanel = W.roomConsole({send: send, state: function () { return state; },
    label: function (k) { var g = (state.groups || []).filter(function (x) { return x.key === k; })[0]; return g && g.label; }});
  var rounds = W.roundsConsole({send: send, render: function () { if (state) render(); }, state: function () { return state; }});
  var themes = W.themesConsole({send: send, state: function () { return state; }});
  var runs = W.runSheetConsole({send: send, state: function () { return state; }});
  /* the stage tools, the facilitator link, the first-run guide and marking priorities */
  var ctx = {send: send, code: code, state: function () { return state; }, tally: function () { return tally; },
    token: function () { return token; }, setToken: function (t) { token = t; W.store.set(KEY, t); }};
  var guide = W.consoleGuide(ctx), extras = [W.consoleLayout(ctx), W.consoleLink(ctx), guide, W.consolePriorities(ctx), W.consoleLanguages(ctx)];

  /* Stage bar */
  var stageBtns = {};
  function stageBar() {
    var box = $('stages');
    if (box.children.length) return;
    state.stages.forEach(function (st, i) {
      var b = el('button', 'stage-btn', (i + 1) + '. ' + W.t(W.STAGES[st] || st));
      b.type = 'button';
      b.addEventListener('click', function () { go(st); });
      stageBtns[st] = b;
      box.appendChild(b);
    });
  }
  /* Next and Back walk stage and round together (stage-steps.js). A quick second click
     on Next moves on from the step already asked for, until the server answers. */
  var asked = null;
  function go(st) {
    if (!st || st === state.stage) return;
    step({stage: st});
  }
  function step(p) {
    if (!p) return;
    var payload = {stage: p.stage};
    if (p.round) payload.round = p.round;
    asked = p;
    send('change_stage', payload, function () { asked = null; }, function () { asked = null; });
  }
  function near(by) { return W.stageSteps(state).near(by, asked); }
  $('back').addEventListener('click', function () { step(near(-1)); });
  $('next').addEventListener('click', function () { step(near(1)); });

  /* Visibility toggles */
  $('t-props').addEventListener('click', function () {
    send('reveal_proposals', {revealed: !state.proposals_revealed});
  });
  /* One switch for results: a round started with the wall showing results live is
     switched off here too, so the wall never shows what the switch says it does not. */
  $('t-results').addEventListener('click', function () {
    var on = W.resultsShown(state);
    if (on && state.round.wall_mode === 'results') send('set_display', {wall_mode: 'participation'});
    send('reveal_results', {revealed: !on}, function () {
      W.announce(on ? W.t('Results hidden: the wall shows only how many have voted.') : W.t('Results shown on the wall and phones.'));
    });
  });

  /* Timer */
  $('t-start').addEventListener('click', function () {
    var min = parseFloat($('minutes').value);
    if (!(min > 0) || min > 120) { W.showMsg(W.t('Type a number of minutes from 0.5 to 120.')); $('minutes').focus(); return; }
    send('start_timer', {seconds: Math.round(min * 60)});
  });
  $('t-pause').addEventListener('click', function () {
    send(state.timer.status === 'paused' ? 'resume_timer' : 'pause_timer');
  });
  $('t-cancel').addEventListener('click', function () { send('cancel_timer'); });

  /* Proposals from paper */
  $('add-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('add-text').value.trim();
    if (!text) { W.showMsg(W.t('Type the idea first, then press Add idea.')); $('add-text').focus(); return; }
    if (!adding || adding.text !== text) adding = {text: text, request_id: W.rand()};
    send('add_proposal', adding, function () {
      adding = null;
      if ($('add-text').value.trim() === text) $('add-text').value = '';
      W.announce(W.t('Idea added.'));
    });
  });

  /* Priorities: marking the top is in console-priorities.js (it asks about a tie at the cut) */
  $('clear-prio').addEventListener('click', function () {
    send('set_priorities', {proposal_ids: []}, function () { W.announce(W.t('Priorities cleared.')); });
  });

  /* Exports: downloads carry the token in a header, never in the address */
  function api(path, opts) {
    opts = opts || {};
    opts.headers = Object.assign({Authorization: 'Bearer ' + token}, opts.headers || {});
    return fetch('/api/workshops/' + code + path, opts).then(function (r) {
      if (r.ok) return r;
      return r.json().then(function (j) { throw new Error(j.error); }, function () { throw new Error(W.t('The server did not answer as expected. Please try again.')); });
    });
  }
  function failed(e) { W.showMsg(e instanceof TypeError ? W.DROPPED : e.message); }
  function dl(ext) {
    api('/plan.' + ext).then(function (r) { return r.blob(); }).then(function (blob) {
      var a = el('a'), url = URL.createObjectURL(blob);
      a.href = url;
      a.download = code + '-plan.' + ext;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
      say('exp-msg', W.t('Downloaded {file}: look in your Downloads folder.', {file: a.download}), true);
    }).catch(failed);
  }
  ['download', 'dl-csv', 'dl-json'].forEach(function (id) { $(id).addEventListener('click', function () { dl($(id).dataset.ext); }); });
  $('save-exp').addEventListener('click', function () {
    var out = $('exp-msg');
    out.textContent = '';
    api('/export', {method: 'POST'}).then(function (r) { return r.json(); }).then(function (j) {
      var ul = el('ul');
      out.className = 'form-msg ok-text';
      out.appendChild(el('p', null, W.t('Saved in the exports folder:')));
      (j.files || []).forEach(function (f) { ul.appendChild(el('li', null, f)); });
      out.appendChild(ul);
    }).catch(failed);
  });

  /* Workshop details: filled from the workshop until the facilitator edits them */
  var detDirty = false, fuDirty = false, fuReq = null;
  $('det-form').addEventListener('input', function () { detDirty = true; say('det-msg', W.t('Not saved yet.')); });
  $('det-form').addEventListener('submit', function (e) {
    e.preventDefault();
    send('set_details', {place: $('d-place').value.trim(), held_on: $('d-date').value}, function () {
      detDirty = false;
      say('det-msg', W.t('Saved.'), true);
    });
  });
  function say(id, text, ok) { $(id).textContent = text; $(id).className = 'form-msg' + (text ? (ok ? ' ok-text' : ' hint') : ''); }
  function details() {
    if (!detDirty) {
      $('d-place').value = state.place || '';
      $('d-date').value = state.held_on || '';
    }
    if (!fuDirty && !$('fu-title').value) $('fu-title').value = state.title;
    $('pub-li').hidden = !state.plan_public;
    $('series-li').hidden = !state.series;
    if (state.series) $('series-link').href = state.series.series_url;
  }

  /* Follow-up meeting: a new workshop carrying the priorities and open actions */
  $('fu-form').addEventListener('input', function () { fuDirty = true; });
  $('fu-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {title: $('fu-title').value.trim(), place: $('fu-place').value.trim(), held_on: $('fu-date').value}, b = $('fu-btn');
    if (!body.title) { say('fu-msg', W.t('Type a title for the follow-up meeting.')); $('fu-title').focus(); return; }
    var sig = JSON.stringify(body);
    if (!fuReq || fuReq.sig !== sig) fuReq = {sig: sig};
    b.disabled = true;
    say('fu-msg', W.t('Creating the follow-up…'), true);
    fetch('/api/workshops/' + code + '/follow-ups', {method: 'POST', body: sig,
      headers: {'Content-Type': 'application/json', Authorization: 'Bearer ' + token}})
      .then(function (r) { return r.json().then(function (j) { return j; }, function () { return {ok: false}; }); })
      .then(function (j) {
        b.disabled = false;
        if (!j || j.ok === false) { say('fu-msg', (j && j.error) || W.t('The follow-up could not be created. Please try again.')); return; }
        say('fu-msg', '');
        fuReq = null;
        W.store.set('workshop.token.' + j.code, j.facilitator_token);
        [['fu-fac', j.facilitator_url], ['fu-screen', j.screen_url], ['fu-join', j.join_url]].forEach(function (l) { $(l[0]).href = l[1]; $(l[0]).textContent = l[1]; });
        $('fu-form').hidden = true;
        $('fu-done').hidden = false;
        $('fu-done-h').focus();
        W.announce(W.t('The follow-up is ready. Code {code}.', {code: j.code.split('').join(' ')}));
      }, function () { b.disabled = false; say('fu-msg', W.t(W.DROPPED)); });
  });
  $('fu-again').addEventListener('click', function () {
    $('fu-done').hidden = true;
    $('fu-form').hidden = false;
    $('fu-title').focus();
  });

  /* The plan: actions under each priority */
  var FIELDS = [['text', W.t('Action'), 300, 'textarea'], ['owner', W.t('Owner (a role or an organisation)'), 200], ['due_on', W.t('Due date'), 0, 'date'],
    ['partners', W.t('Partners (community organisations involved)'), 200], ['resources', W.t('Resources'), 200],
    ['success', W.t('How success will be seen'), 200], ['status', W.t('Status'), 0, 'select']];
  var STATUS = {proposed: W.t('Proposed'), agreed: W.t('Agreed'), in_progress: W.t('In progress'), done: W.t('Done'), dropped: W.t('Dropped')};
  function statusSel(id) {
    var sel = el('select');
    sel.id = id;
    Object.keys(STATUS).forEach(function (k) { sel.appendChild(el('option', null, STATUS[k])).value = k; });
    return sel;
  }
  /* the add and edit forms share their fields; ids start with pre */
  function aForm(pre, saveText) {
    var f = el('form', 'aform'), inp = {}, row = el('div', 'row');
    f.noValidate = true;
    FIELDS.forEach(function (d) {
      var box = el('div', 'field'), lab = el('label', null, d[1]), x = d[3] === 'select' ? statusSel(pre + d[0]) : el(d[3] === 'textarea' ? 'textarea' : 'input');
      x.id = pre + d[0];
      lab.htmlFor = x.id;
      if (d[2]) x.maxLength = d[2];
      if (d[3] === 'date') x.type = 'date';
      if (d[3] === 'textarea') x.rows = 2;
      box.appendChild(lab);
      box.appendChild(x);
      f.appendChild(box);
      inp[d[0]] = x;
    });
    var ok = btn(saveText), cancel = btn(W.t('Cancel'), 's');
    ok.type = 'submit';
    row.appendChild(ok);
    row.appendChild(cancel);
    f.appendChild(row);
    f._in = inp;
    f._cancel = cancel;
    f.hidden = true;
    return f;
  }
  function vals(f) { var v = {}; Object.keys(f._in).forEach(function (k) { v[k] = f._in[k].value.trim(); }); return v; }
  function fillForm(f, a) { Object.keys(f._in).forEach(function (k) { f._in[k].value = a[k] || ''; }); }

  function blocks() {
    var out = [], by = {}, m = W.byId(state.proposals || []);
    W.priorities(state.proposals || []).forEach(function (p) { out.push(by[p.id] = {p: p, acts: []}); });
    (state.actions || []).forEach(function (a) {
      if (!by[a.priority_id]) out.push(by[a.priority_id] = {p: m[a.priority_id] || {id: a.priority_id, text: W.t('An idea that is no longer listed')}, acts: [], old: true});
      by[a.priority_id].acts.push(a);
    });
    return out;
  }
  function block(b) {
    var li = el('li', 'fprio'), pid = b.p.id, add = btn(W.t('Add an action'), 's'), f = aForm('n' + pid + '-', W.t('Add action')), req = null;
    [el('h3'), el('p', 'hint'), el('ul', 'list'), add, f].forEach(function (n) { li.appendChild(n); });
    add.setAttribute('aria-expanded', 'false');
    function open(on) {
      f.hidden = !on;
      add.hidden = on;
      add.setAttribute('aria-expanded', String(on));
      /* a new action is proposed until the room agrees it */
      if (on) { fillForm(f, {status: 'proposed'}); f._in.text.focus(); } else add.focus();
    }
    add.addEventListener('click', function () { open(true); });
    f._cancel.addEventListener('click', function () { open(false); });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = vals(f), p = {priority_id: pid}, sig = JSON.stringify(v);
      if (!v.text) { W.showMsg(W.t('Type the action first, then press Add action.')); f._in.text.focus(); return; }
      Object.keys(v).forEach(function (k) { if (v[k]) p[k] = v[k]; });
      if (!req || req.sig !== sig) req = {sig: sig, id: W.rand()};
      p.request_id = req.id;
      send('add_action', p, function () {
        req = null;
        fillForm(f, {status: v.status});
        f._in.text.focus();
        W.announce(W.t('Action added. You can add another.'));
      });
    });
    return li;
  }
  function updBlock(li, b, n, all) {
    var c = li.children, acts = b.acts, dropped = acts.filter(function (a) { return a.status === 'dropped'; }).length;
    var pts = tally && !(state.round || {}).candidates && tally.totals[b.p.id], bits = []; /* a vote on themes scores no idea */
    c[0].textContent = b.old ? W.t('No longer a priority: {idea}', {idea: b.p.text}) : W.t('Priority {n}: {idea}', {n: b.p.priority_rank, idea: b.p.text});
    if (!b.old && !presenting.hiding()) bits.push(b.p.carried_points != null ? W.t('{score} at this meeting', {score: score(pts || 0)}) : score(pts || 0));
    if (W.carried(b.p, state)) bits.push(W.carried(b.p, state));
    bits.push(acts.length ? W.tn('{n} action', '{n} actions', acts.length) + (dropped ? ' ' + W.t('({n} dropped)', {n: dropped}) : '') : W.t('No actions yet'));
    c[1].textContent = bits.join(' · ');
    c[3].hidden = !!b.old || !c[4].hidden;
    c[3].setAttribute('aria-label', W.t('Add an action to priority {n}', {n: b.p.priority_rank}));
    W.sync(c[2], acts, function (a) { return a.id; }, action, function (x, a) { updAction(x, a, all); });
  }
  function action(a) {
    var id = a.id, li = el('li', 'fp fa'), head = el('p', 'fp-head'), f = aForm('e' + id + '-', W.t('Save'));
    head.appendChild(el('span', 'pill'));
    head.appendChild(el('span'));
    head.appendChild(el('span', 'tag', W.t('Carried over')));
    [head, el('p', 'atext'), el('p', 'meta'), el('p', 'meta')].forEach(function (n) { li.appendChild(n); });
    var acts = el('div', 'row acts'), edit = btn(W.t('Edit'), 's'), ql = el('label', null, W.t('Status')), qs = statusSel('qs-' + id);
    var sl = el('label', null, W.t('Merge into…')), sel = el('select'), merge = btn(W.t('Merge'), 's'), mg = el('span', 'merge'), qg = el('span', 'merge');
    ql.htmlFor = qs.id;
    ql.appendChild(el('span', 'vh'));
    sel.id = 'amerge-' + id;
    sl.htmlFor = sel.id;
    [ql, qs].forEach(function (n) { qg.appendChild(n); });
    [sl, sel, merge].forEach(function (n) { mg.appendChild(n); });
    [edit, qg, mg].forEach(function (n) { acts.appendChild(n); });
    li.appendChild(acts);
    li.appendChild(f);
    li.appendChild(el('ul', 'merged'));
    edit.addEventListener('click', function () {
      fillForm(f, li._a);
      f.hidden = false;
      acts.hidden = true;
      f._in.text.focus();
    });
    function close() { f.hidden = true; acts.hidden = false; edit.focus(); }
    f._cancel.addEventListener('click', close);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = vals(f), p = {action_id: id}, changed = 0;
      if (!v.text) { W.showMsg(W.t('An action cannot be empty. To remove it, set its status to Dropped.')); f._in.text.focus(); return; }
      Object.keys(v).forEach(function (k) { if (v[k] !== (li._a[k] || '')) { p[k] = v[k]; changed++; } });
      if (!changed) { close(); return; }
      send('edit_action', p, function () { close(); W.announce('Saved.'); });
    });
    qs.addEventListener('change', function () {
      var v = qs.value;
      send('edit_action', {action_id: id, status: v}, function () { W.announce(W.t('Status: {status}.', {status: STATUS[v]})); },
        function () { qs.value = li._a.status; });
    });
    merge.addEventListener('click', function () {
      var to = parseInt(sel.value, 10);
      if (!to) { W.showMsg(W.t('Choose which action to merge this one into.')); sel.focus(); return; }
      send('merge_actions', {survivor_id: to, absorbed_id: id}, function () { W.announce('Merged.'); });
    });
    return li;
  }
  function updAction(li, a, all) {
    var c = li.children, name = W.short(a.text, 50), n = a.volunteers || 0, names = a.volunteer_names || [];
    var more = [[a.resources ? W.t('Resources: {text}', {text: a.resources}) : ''], [a.success ? W.t('Success: {text}', {text: a.success}) : '']].filter(function (x) { return x[0]; });
    li._a = a;
    li.classList.toggle('is-dropped', a.status === 'dropped');
    W.pill(c[0].children[0], a);
    c[0].children[1].textContent = n ? W.tn('{n} person can help', '{n} people can help', n) + (names.length ? ' (' + names.join(', ') + ')' : '') : '';
    c[0].children[2].hidden = !a.carried_from;
    c[1].textContent = a.text;
    W.meta(c[2], a);
    W.meta(c[3], {}, more);
    var qs = c[4].querySelector('select'), sel = c[4].querySelectorAll('select')[1], keep = sel.value;
    if (document.activeElement !== qs) qs.value = a.status;
    c[4].querySelector('label').lastChild.textContent = ': ' + name;
    c[4].querySelector('button').setAttribute('aria-label', W.t('Edit: {idea}', {idea: name}));
    c[4].querySelectorAll('button')[1].setAttribute('aria-label', W.t('Merge: {idea}', {idea: name}));
    /* only actions under the same priority can be merged */
    var others = all.filter(function (o) { return o.id !== a.id && o.priority_id === a.priority_id && o.status !== 'dropped'; });
    var sig = others.map(function (o) { return o.id + ':' + o.text; }).join('\n'), mg = sel.parentNode;
    mg.hidden = a.status === 'dropped' || !others.length;
    if (sel._sig !== sig) {
      sel._sig = sig;
      sel.textContent = '';
      sel.appendChild(el('option', null, W.t('Choose an action'))).value = '';
      others.forEach(function (o) { sel.appendChild(el('option', null, W.short(o.text, 70))).value = String(o.id); });
      sel.value = keep;
      if (sel.value !== keep) sel.value = '';
    }
    W.sync(c[6], a.merged || [], function (m) { return m.id; }, function () { return el('li'); }, function (row, m) { row.textContent = 'also: ' + m.text; });
  }
  function attendance() {
    var labels = {};
    state.groups.forEach(function (g) { labels[g.key] = g.label; });
    $('joined').textContent = state.joined ? W.tn('{n} person joined', '{n} people joined', state.joined) : W.t('Nobody has joined yet');
    var parts = [];
    Object.keys(state.by_group || {}).forEach(function (k) {
      if (state.by_group[k]) parts.push((labels[k] || W.t('Not said')) + ': ' + state.by_group[k]);
    });
    $('by-group').textContent = parts.length ? '(' + parts.join(', ') + ')' : '';
  }

  /* One proposal in the list */
  function item(p) {
    var id = p.id, li = el('li', 'fp'), head = el('p', 'fp-head');
    head.appendChild(el('span', 'pts'));
    head.appendChild(el('span', 'pbadge'));
    head.appendChild(el('span', 'tag', W.t('Hidden from everyone')));
    li.appendChild(head);
    li.appendChild(el('p', 'ptext'));
    var ed = el('div', 'fp-edit'), lab = el('label', null, W.t('Edit the text')), ta = el('textarea');
    ta.id = 'edit-' + id;
    ta.maxLength = 500;
    ta.rows = 3;
    lab.htmlFor = ta.id;
    var save = btn(W.t('Save')), cancel = btn(W.t('Cancel'), 's');
    ed.appendChild(lab);
    ed.appendChild(ta);
    ed.appendChild(save);
    ed.appendChild(cancel);
    ed.hidden = true;
    li.appendChild(ed);
    var acts = el('div', 'row acts'), edit = btn(W.t('Edit'), 's'), hide = btn(W.t('Hide'), 'w');
    var sl = el('label', null, W.t('Merge into…')), sel = el('select'), merge = btn(W.t('Merge'), 's');
    sel.id = 'merge-' + id;
    sl.htmlFor = sel.id;
    var mg = el('span', 'merge');
    mg.appendChild(sl);
    mg.appendChild(sel);
    mg.appendChild(merge);
    acts.appendChild(edit);
    acts.appendChild(hide);
    acts.appendChild(mg);
    li.appendChild(acts);
    li.appendChild(el('ul', 'merged'));
    edit.addEventListener('click', function () {
      ta.value = li._p.text;
      ed.hidden = false;
      acts.hidden = true;
      ta.focus();
    });
    function close() { ed.hidden = true; acts.hidden = false; edit.focus(); }
    cancel.addEventListener('click', close);
    save.addEventListener('click', function () {
      var text = ta.value.trim();
      if (!text) { W.showMsg(W.t('An idea cannot be empty. To remove it, use Hide.')); return; }
      send('edit_proposal', {proposal_id: id, text: text}, function () { close(); W.announce('Saved.'); });
    });
    hide.addEventListener('click', function () {
      var h = !li._p.hidden;
      send('hide_proposal', {proposal_id: id, hidden: h}, function () { W.announce(h ? W.t('Hidden from everyone.') : W.t('Shown again.')); });
    });
    merge.addEventListener('click', function () {
      var to = parseInt(sel.value, 10);
      if (!to) { W.showMsg(W.t('Choose which idea to merge this one into.')); sel.focus(); return; }
      send('merge_proposals', {survivor_id: to, absorbed_id: id}, function () { W.announce('Merged.'); });
    });
    return li;
  }
  function btn(text, cls) {
    var b = el('button', 'btn' + (cls ? ' ' + cls : ''), text);
    b.type = 'button';
    return b;
  }
  function updItem(li, p, n, visible) {
    var name = W.short(p.text, 50), pts = (tally && tally.totals[p.id]) || 0;
    li._p = p;
    li.classList.toggle('is-hidden', !!p.hidden);
    var head = li.children[0].children;
    head[0].textContent = p.hidden ? '' : score(pts);
    head[1].textContent = p.priority_rank ? W.t('Priority {n}', {n: p.priority_rank}) : '';
    head[1].hidden = !p.priority_rank;
    head[2].hidden = !p.hidden;
    li.children[1].textContent = p.text;
    var b = li.querySelectorAll('.acts button');
    b[0].setAttribute('aria-label', W.t('Edit: {idea}', {idea: name}));
    b[1].textContent = p.hidden ? W.t('Show') : W.t('Hide');
    b[1].className = 'btn ' + (p.hidden ? 's' : 'w');
    b[1].setAttribute('aria-label', p.hidden ? W.t('Show again: {idea}', {idea: name}) : W.t('Hide from everyone: {idea}', {idea: name}));
    b[2].setAttribute('aria-label', W.t('Merge: {idea}', {idea: name}));
    var mg = li.querySelector('.merge'), sel = mg.querySelector('select'), keep = sel.value;
    var others = visible.filter(function (o) { return o.id !== p.id; });
    var sig = others.map(function (o) { return o.id + ':' + o.text; }).join('\n');
    mg.hidden = !!p.hidden || !others.length;
    if (sel._sig !== sig) { /* rebuild only when the choices change, so an open list is not disturbed */
      sel._sig = sig;
      sel.textContent = '';
      sel.appendChild(el('option', null, W.t('Choose an idea'))).value = '';
      others.forEach(function (o) { sel.appendChild(el('option', null, W.short(o.text, 70))).value = String(o.id); });
      sel.value = keep;
      if (sel.value !== keep) sel.value = '';
    }
    W.sync(li.querySelector('.merged'), p.merged || [], function (c) { return c.id; }, function (c) {
      var row = el('li');
      row.appendChild(el('span', 'ptext'));
      var u = btn(W.t('Unmerge'), 's');
      u.addEventListener('click', function () { send('unmerge_proposal', {proposal_id: c.id}, function () { W.announce(W.t('Unmerged.')); }); });
      row.appendChild(u);
      return row;
    }, function (row, c) {
      row.children[0].textContent = (c.hidden ? W.t('also: {idea} (hidden)', {idea: c.text}) : W.t('also: {ideas}', {ideas: c.text}));
      row.children[1].setAttribute('aria-label', W.t('Unmerge: {idea}', {idea: W.short(c.text, 50)}));
    });
  }

  function toggle(b, on) {
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.querySelector('.state').textContent = on ? W.t('On') : W.t('Off');
  }

  /* this round's score in its own words: "3 dots" in a dot round, "3 points" in a points round */
  function score(n) { return W.score(n, tally ? tally.method : state.round && state.round.method); }

  function render() {
    presenting.apply(state);
    stageBar();
    var st = state.stage, props = state.proposals || [];
    var visible = props.filter(function (p) { return !p.hidden; });
    document.title = W.t('{title} (facilitator)', {title: state.title});
    $('stage-now').textContent = W.t(W.STAGES[st] || st);
    state.stages.forEach(function (s) { stageBtns[s].setAttribute('aria-pressed', s === st ? 'true' : 'false'); });
    var steps = W.stageSteps(state), back = steps.near(-1, asked), next = steps.near(1, asked);
    $('back').disabled = !back;
    $('next').disabled = !next;
    $('back').textContent = back ? W.t('Back: {step}', {step: steps.label(back)}) : W.t('Back');
    $('next').textContent = next ? W.t('Next: {step}', {step: steps.label(next)}) : W.t('Next');
    toggle($('t-props'), state.proposals_revealed);
    toggle($('t-results'), W.resultsShown(state));
    $('vis-warn').hidden = !(state.results_revealed && !state.proposals_revealed);
    var ts = state.timer.status;
    $('t-pause').textContent = ts === 'paused' ? W.t('Resume') : W.t('Pause');
    $('t-pause').disabled = ts === 'idle';
    $('t-cancel').disabled = ts === 'idle';
    attendance();
    roomPanel(state);
    var hidden = props.length - visible.length;
    $('props-sum').textContent = W.tn('{n} idea on the list', '{n} ideas on the list', visible.length) +
      (hidden ? ', ' + W.t('{n} hidden', {n: hidden}) : '') + (!tally ? '.' : tally.method === 'dots' ? ', ' + W.tn('{n} dot placed.', '{n} dots placed.', tally.votes)
      : ', ' + W.tn('{n} person voted in round {round}.', '{n} people voted in round {round}.', tally.voters, {round: tally.round_number}));
    W.sync($('props'), props, function (p) { return p.id; }, item, function (li, p, n) { updItem(li, p, n, visible); });
    var pr = W.priorities(props), bl = blocks(), all = state.actions || [], n = all.filter(function (a) { return a.status !== 'dropped'; }).length;
    details();
    $('plan-sum').textContent = !pr.length ? W.t('Mark the priorities first: actions are planned under each one.')
      : W.tn('{n} action', '{n} actions', n) + (all.length > n ? ', ' + W.t('{n} dropped (shown dimmed, hidden from everyone else).', {n: all.length - n}) : '.');
    W.sync($('plan'), bl, function (b) { return b.p.id; }, block, function (li, b, i) { updBlock(li, b, i, all); });
    /* the plan comes first while planning, the rounds while voting, the proposals before */
    var first = st === 'plan' || st === 'closed' ? 'plan-sec' : st === 'vote' || st === 'results' ? 'rounds-sec' : st === 'group' ? 'themes-sec' : 'props-sec', box = $('f-main');
    var at = $('stage-tools').nextElementSibling; /* below the guide and this stage's tools */
    if (at !== $(first)) box.insertBefore($(first), at);
    rounds.render(tally);
    themes.render(tally);
    runs.render();
    extras.forEach(function (e) { e.render(); });
    if ($('prio-hint')) $('prio-hint').textContent = W.t('Uses the ranking of round {n} ({method}).', {n: state.round.number, method: W.t(state.round.method_label)});
    $('prio-none').hidden = pr.length > 0;
    W.sync($('prio-list'), pr, function (p) { return p.id; }, function () { return el('li'); }, function (li, p) {
      li.textContent = presenting.hiding() ? p.text : p.text + ' (' + score((tally && tally.totals[p.id]) || 0) + ')';
    });
  }
})();
