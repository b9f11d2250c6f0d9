/* Facilitator console: steer the stages, timer, proposals and priorities. */
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
      state = null;
      $('console').hidden = false;
      $('no-token').hidden = true;
      setState(ack.state);
    }, function (ack) { if (ack && ack.reason === 'forbidden' && !state) $('no-token').hidden = false; });
  });
  W.onOnline = function () { if (state) render(); };
  function setState(s) {
    var before = state && state.stage;
    if (!s.tally) tally = null;
    else if (!tally || s.tally.version >= tally.version) tally = s.tally;
    state = s;
    W.setClock(s.server_time);
    timer.set(s.timer);
    if (before && before !== s.stage) W.announce('Stage: ' + W.STAGES[s.stage] + '.');
    render();
  }
  sock.on('state_changed', function (s) { if (!state || s.version >= state.version) setState(s); });
  sock.on('tally_changed', function (t) {
    if (tally && t.version < tally.version) return;
    tally = t;
    if (state) render();
  });
  sock.on('attendance_changed', function (a) {
    if (!state) return;
    state.joined = a.joined;
    state.by_group = a.by_group;
    attendance();
  });

  function send(name, payload, ok) { W.cmd(sock, name, payload || {}, ok); }

  /* Stage bar */
  var stageBtns = {};
  function stageBar() {
    var box = $('stages');
    if (box.children.length) return;
    state.stages.forEach(function (st, i) {
      var b = el('button', 'stage-btn', (i + 1) + '. ' + (W.STAGES[st] || st));
      b.type = 'button';
      b.addEventListener('click', function () { go(st); });
      stageBtns[st] = b;
      box.appendChild(b);
    });
  }
  function go(st) { if (st && st !== state.stage) send('change_stage', {stage: st}); }
  function near(step) { return state.stages[state.stages.indexOf(state.stage) + step]; }
  $('back').addEventListener('click', function () { go(near(-1)); });
  $('next').addEventListener('click', function () { go(near(1)); });

  /* Visibility toggles */
  $('t-props').addEventListener('click', function () {
    send('reveal_proposals', {revealed: !state.proposals_revealed});
  });
  $('t-results').addEventListener('click', function () {
    send('reveal_results', {revealed: !state.results_revealed});
  });

  /* Timer */
  $('t-start').addEventListener('click', function () {
    var min = parseFloat($('minutes').value);
    if (!(min > 0) || min > 120) { W.showMsg('Type a number of minutes from 0.5 to 120.'); $('minutes').focus(); return; }
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
    if (!text) { W.showMsg('Type the proposal first, then press Add proposal.'); $('add-text').focus(); return; }
    if (!adding || adding.text !== text) adding = {text: text, request_id: W.rand()};
    send('add_proposal', adding, function () {
      adding = null;
      if ($('add-text').value.trim() === text) $('add-text').value = '';
      W.announce('Proposal added.');
    });
  });

  /* Priorities */
  $('mark-top').addEventListener('click', function () {
    var n = parseInt($('top-n').value, 10), ok = W.byId(state.proposals.filter(function (p) { return !p.hidden; }));
    if (!(n >= 1)) { W.showMsg('Type how many priorities to mark, for example 5.'); return; }
    var ids = ((tally && tally.ranking) || []).filter(function (r) { return ok[r.proposal_id] && r.points > 0; })
      .slice(0, n).map(function (r) { return r.proposal_id; });
    if (!ids.length) { W.showMsg('No proposal has any dots yet, so there is nothing to mark.'); return; }
    send('set_priorities', {proposal_ids: ids}, function () { W.announce(W.plural(ids.length, 'priority', 'priorities') + ' marked.'); });
  });
  $('clear-prio').addEventListener('click', function () {
    send('set_priorities', {proposal_ids: []}, function () { W.announce('Priorities cleared.'); });
  });

  /* Plan download */
  $('download').addEventListener('click', function () {
    fetch('/api/workshops/' + code + '/plan.md', {headers: {Authorization: 'Bearer ' + token}})
      .then(function (r) {
        if (r.ok) return r.blob();
        return r.json().then(function (j) { throw new Error(j.error); }, function () { throw new Error('The plan could not be downloaded. Please try again.'); });
      })
      .then(function (blob) {
        var a = el('a'), url = URL.createObjectURL(blob);
        a.href = url;
        a.download = code + '-plan.md';
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
        W.announce('Plan downloaded.');
      })
      .catch(function (e) { W.showMsg(e instanceof TypeError ? W.DROPPED : e.message); });
  });

  function attendance() {
    var labels = {};
    state.groups.forEach(function (g) { labels[g.key] = g.label; });
    $('joined').textContent = state.joined ? W.plural(state.joined, 'person', 'people') + ' joined' : 'Nobody has joined yet';
    var parts = [];
    Object.keys(state.by_group || {}).forEach(function (k) {
      if (state.by_group[k]) parts.push((labels[k] || 'Not said') + ': ' + state.by_group[k]);
    });
    $('by-group').textContent = parts.length ? '(' + parts.join(', ') + ')' : '';
  }

  /* One proposal in the list */
  function item(p) {
    var id = p.id, li = el('li', 'fp'), head = el('p', 'fp-head');
    head.appendChild(el('span', 'pts'));
    head.appendChild(el('span', 'pbadge'));
    head.appendChild(el('span', 'tag', 'Hidden from everyone'));
    li.appendChild(head);
    li.appendChild(el('p', 'ptext'));
    var ed = el('div', 'fp-edit'), lab = el('label', null, 'Edit the text'), ta = el('textarea');
    ta.id = 'edit-' + id;
    ta.maxLength = 500;
    ta.rows = 3;
    lab.htmlFor = ta.id;
    var save = btn('Save'), cancel = btn('Cancel', 's');
    ed.appendChild(lab);
    ed.appendChild(ta);
    ed.appendChild(save);
    ed.appendChild(cancel);
    ed.hidden = true;
    li.appendChild(ed);
    var acts = el('div', 'row acts'), edit = btn('Edit', 's'), hide = btn('Hide', 'w');
    var sl = el('label', null, 'Merge into…'), sel = el('select'), merge = btn('Merge', 's');
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
      if (!text) { W.showMsg('A proposal cannot be empty. To remove it, use Hide.'); return; }
      send('edit_proposal', {proposal_id: id, text: text}, function () { close(); W.announce('Saved.'); });
    });
    hide.addEventListener('click', function () {
      var h = !li._p.hidden;
      send('hide_proposal', {proposal_id: id, hidden: h}, function () { W.announce(h ? 'Hidden from everyone.' : 'Shown again.'); });
    });
    merge.addEventListener('click', function () {
      var to = parseInt(sel.value, 10);
      if (!to) { W.showMsg('Choose which proposal to merge this one into.'); sel.focus(); return; }
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
    head[0].textContent = p.hidden ? '' : W.points(pts);
    head[1].textContent = p.priority_rank ? 'Priority ' + p.priority_rank : '';
    head[1].hidden = !p.priority_rank;
    head[2].hidden = !p.hidden;
    li.children[1].textContent = p.text;
    var b = li.querySelectorAll('.acts button');
    b[0].setAttribute('aria-label', 'Edit: ' + name);
    b[1].textContent = p.hidden ? 'Show' : 'Hide';
    b[1].className = 'btn ' + (p.hidden ? 's' : 'w');
    b[1].setAttribute('aria-label', (p.hidden ? 'Show again: ' : 'Hide from everyone: ') + name);
    b[2].setAttribute('aria-label', 'Merge: ' + name);
    var mg = li.querySelector('.merge'), sel = mg.querySelector('select'), keep = sel.value;
    var others = visible.filter(function (o) { return o.id !== p.id; });
    var sig = others.map(function (o) { return o.id + ':' + o.text; }).join('\n');
    mg.hidden = !!p.hidden || !others.length;
    if (sel._sig !== sig) { /* rebuild only when the choices change, so an open list is not disturbed */
      sel._sig = sig;
      sel.textContent = '';
      sel.appendChild(el('option', null, 'Choose a proposal')).value = '';
      others.forEach(function (o) { sel.appendChild(el('option', null, W.short(o.text, 70))).value = String(o.id); });
      sel.value = keep;
      if (sel.value !== keep) sel.value = '';
    }
    W.sync(li.querySelector('.merged'), p.merged || [], function (c) { return c.id; }, function (c) {
      var row = el('li');
      row.appendChild(el('span', 'ptext'));
      var u = btn('Unmerge', 's');
      u.addEventListener('click', function () { send('unmerge_proposal', {proposal_id: c.id}, function () { W.announce('Unmerged.'); }); });
      row.appendChild(u);
      return row;
    }, function (row, c) {
      row.children[0].textContent = 'also: ' + c.text + (c.hidden ? ' (hidden)' : '');
      row.children[1].setAttribute('aria-label', 'Unmerge: ' + W.short(c.text, 50));
    });
  }

  function toggle(b, on) {
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.querySelector('.state').textContent = on ? 'On' : 'Off';
  }

  function render() {
    stageBar();
    var st = state.stage, props = state.proposals || [];
    var visible = props.filter(function (p) { return !p.hidden; });
    document.title = state.title + ' (facilitator)';
    $('stage-now').textContent = W.STAGES[st] || st;
    state.stages.forEach(function (s) { stageBtns[s].setAttribute('aria-pressed', s === st ? 'true' : 'false'); });
    $('back').disabled = !near(-1);
    $('next').disabled = !near(1);
    $('next').textContent = near(1) ? 'Next: ' + W.STAGES[near(1)] : 'Next';
    toggle($('t-props'), state.proposals_revealed);
    toggle($('t-results'), state.results_revealed);
    $('vis-warn').hidden = !(state.results_revealed && !state.proposals_revealed);
    var ts = state.timer.status;
    $('t-pause').textContent = ts === 'paused' ? 'Resume' : 'Pause';
    $('t-pause').disabled = ts === 'idle';
    $('t-cancel').disabled = ts === 'idle';
    attendance();
    var hidden = props.length - visible.length;
    $('props-sum').textContent = W.plural(visible.length, 'proposal', 'proposals') + ' on the list' +
      (hidden ? ', ' + hidden + ' hidden' : '') + (tally ? ', ' + W.plural(tally.votes, 'dot', 'dots') + ' placed.' : '.');
    W.sync($('props'), props, function (p) { return p.id; }, item, function (li, p, n) { updItem(li, p, n, visible); });
    var pr = W.priorities(props);
    $('prio-none').hidden = pr.length > 0;
    W.sync($('prio-list'), pr, function (p) { return p.id; }, function () { return el('li'); }, function (li, p) {
      li.textContent = p.text + ' (' + W.points((tally && tally.totals[p.id]) || 0) + ')';
    });
  }
})();
