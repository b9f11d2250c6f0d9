/* Attendee phone: join, propose, vote, follow the session (the plan stage: phone-plan.js).
   What a person taps goes through the outbox (phone-outbox.js): kept while offline, shown as
   waiting, counted only when the laptop says so. */
(function () {
  'use strict';
  var $ = W.$, el = W.el, txt = W.txt, show = W.show, code = document.body.dataset.code;
  var devKey = 'workshop.device.' + code, joinKey = 'workshop.joined.' + code;
  var device = W.store.get(devKey);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(device || '')) { device = W.rand(16); W.store.set(devKey, device); }
  var state = null, me = null, tally = null, joined = !!W.store.get(joinKey), editing = false;
  var timer = new W.Timer($('timer')), ta = $('idea'), joinBtn = $('join-btn');
  joinBtn.disabled = false; /* disabled in the page until this script can send the form */
  var sock = W.connect({code: code, device_id: device}, function () { if (joined) join(false); else render(); }, function () {
    return navigator.onLine === false ? W.t('No connection: your taps are kept.') : W.t(W.RECONNECTING) + ' ' + W.t('Your taps are kept.');
  });
  W.onOnline = function () { if (state) render(); };
  W.on('words', function () { count(); if (state) render(); }); /* Easy Read switched (easy-read.js) */
  var live = W.live(sock, {timer: timer, stageSaid: W.t('Now:') + ' ', changed: function (s, t) { state = s; tally = t; render(); }});
  sock.on('my_state_changed', function (m) { me = m; if (state) render(); });
  var hooks = {}, box = W.outbox(sock, code, {changed: function () { render(); }, done: done, refused: refused,
    rejoin: function () { join(false); }});

  /* form: send the welcome form's name and group (true), or rejoin quietly as before (false) */
  function join(form) {
    var p = {code: code, device_id: device}, g = document.querySelector('input[name=group]:checked');
    if (state) p.version = state.version;
    if (form) { p.name = $('name').value.trim(); p.group = g ? g.value : ''; joinBtn.disabled = true; }
    function ok(ack) {
      joined = true;
      W.store.set(joinKey, '1');
      if (ack.device_id && ack.device_id !== device) W.store.set(devKey, device = ack.device_id);
      me = ack.me;
      live.reset(ack.state);
      joinBtn.disabled = false;
      if (form) editing = false;
      render();
      if (form) { W.announce(W.t("You're in.")); $('stage-h').focus(); }
      box.start(); /* bound again: send what waits, in order */
    }
    if (form) W.cmd(sock, 'join_workshop', p, ok, function () { joinBtn.disabled = false; });
    else {
      sock.timeout(15000).emit('join_workshop', p, function (err, ack) {
        if (!err && ack && ack.ok) ok(ack);
        else if (err && sock.connected) setTimeout(function () { if (sock.connected) join(false); }, 2000); /* a slow laptop */
      });
    }
  }

  /* The laptop's answer to an outbox item: its word is final. */
  var NOT = {dot: W.N_('Your dot on {what} was not counted.'), undot: W.N_('Your dot on {what} was not taken back.'),
    idea: W.N_('Your idea {what} was not accepted.'), ballot: W.N_('Your vote {what} was not counted.'),
    suggest: W.N_('Your suggested action {what} was not accepted.'), help: W.N_('Your offer to help with {what} was not recorded.')};
  function done(it, ack) {
    var pl = it.payload;
    if (ack.me) me = ack.me;
    if (it.kind === 'dot' || it.kind === 'undot') {
      W.announce((it.kind === 'dot' ? W.t('Your dot was counted.') : W.t('Dot taken back.')) + ' ' + dotsText() + '.' +
        (spendAll() && !left() ? ' ' + W.t('All your dots are placed: your vote counts.') : ''));
    } else if (it.kind === 'idea') {
      /* a held idea waits for the facilitator (phone-care.js lists it); never "rejected" */
      var thanks = ack.held ? W.t('Thank you. The facilitator will look at this before it is shared.') : W.t('Thank you. Your idea was sent.');
      if (ack.held) { if (!(me.my_held || []).some(function (p) { return p.id === ack.held_id; })) (me.my_held = me.my_held || []).push({id: ack.held_id, text: pl.text}); }
      else if (!me.my_proposals.some(function (p) { return p.id === ack.proposal_id; })) me.my_proposals.push({id: ack.proposal_id, text: pl.text});
      txt('idea-ok', thanks);
      W.announce(thanks);
    } else if (it.kind === 'help') {
      me.helping = me.helping || {};
      if (pl.helping) me.helping[pl.action_id] = {show_name: pl.show_name}; else delete me.helping[pl.action_id];
    } else if (it.kind === 'suggest' && ack.action_id) (me.my_actions = me.my_actions || []).push(ack.action_id);
    if (hooks[it.kind]) hooks[it.kind](it, ack);
    render();
  }
  function refused(it, ack) {
    var n = NOT[it.kind] || W.N_('What you sent {what} was not accepted.');
    W.showMsg(W.t(n, {what: it.label ? '"' + W.short(it.label, 40) + '"' : ''}).replace('  ', ' ') + ' ' + (ack.error || W.t('Please try again.')));
    if (it.kind === 'idea' && !ta.value.trim()) { ta.value = it.payload.text; count(); txt('idea-ok', ''); }
    join(false); /* the server's view wins: fetch it afresh */
  }
  /* queue a command; say so when it cannot go at once */
  function queue(name, payload, kind, label, offline) {
    var it = box.add(name, payload, kind, label);
    if (!W.online && offline) W.announce(offline + ' ' + W.t('It will be sent when you are reconnected.'));
    render();
    return it;
  }
  function waitingOf(kind, match) {
    return box.items().filter(function (it) { return it.kind === kind && (!match || match(it.payload)); });
  }
  $('join-form').addEventListener('submit', function (e) { e.preventDefault(); join(true); });
  $('change').addEventListener('click', function () {
    editing = true;
    $('name').value = (me && me.name) || '';
    var g = document.querySelector('input[name=group][value="' + ((me && me.group) || '') + '"]');
    if (g) g.checked = true;
    render();
    $('welcome-h').focus();
  });
  $('join-cancel').addEventListener('click', function () { editing = false; render(); $('change').focus(); });

  function count() { txt('idea-count', W.tn('{n} character left', '{n} characters left', 500 - ta.value.length)); }
  ta.addEventListener('input', function () { count(); txt('idea-ok', ''); });
  $('propose-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = ta.value.trim();
    if (!text) { W.showMsg(W.t('Type your idea first, then press Submit.')); ta.focus(); return; }
    ta.value = ''; /* kept in the outbox from now on, so a second press cannot send it twice */
    count();
    txt('idea-ok', W.online ? W.t('Sending your idea…') : W.t('Your idea is waiting to send.') + ' ' + W.t('It will be sent when you are reconnected.'));
    queue('submit_proposal', {text: text}, 'idea', text, W.t('Your idea is waiting to send.'));
  });

  /* A `me` of an earlier round than the snapshot's: nothing cast in this one yet */
  function fresh() { return !state.round || me.round_id === state.round.id; }
  function left() { return fresh() ? me.dots_left : state.dots; }
  function myVotes() { return fresh() ? me.my_votes : {}; }
  /* this round's dots placed or taken back that the laptop has not confirmed yet */
  function waiting() {
    var w = {dot: {}, undot: {}, dots: 0, undots: 0}, rid = state.round ? state.round.id : undefined;
    box.items().forEach(function (it) {
      if ((it.kind !== 'dot' && it.kind !== 'undot') || it.payload.round_id !== rid) return;
      w[it.kind][it.payload.proposal_id] = (w[it.kind][it.payload.proposal_id] || 0) + 1;
      w[it.kind + 's']++;
    });
    return w;
  }
  /* dots still free to place: what the laptop counted, less what waits to be sent */
  function free(w) { return Math.max(0, left() - w.dots + w.undots); }
  function dotsText() {
    var w = waiting(), more = [];
    if (w.dots) more.push(W.tn('{n} dot waiting to send', '{n} dots waiting to send', w.dots));
    if (w.undots) more.push(W.tn('{n} take-back waiting to send', '{n} take-backs waiting to send', w.undots));
    return W.t('You have {left} of {dots} dots left', {left: free(w), dots: state.dots}) + (more.length ? ' (' + more.join(', ') + ')' : '');
  }
  function vote(id, add) {
    var p = W.byId(state.proposals)[id], rid = state.round ? state.round.id : undefined, name = W.short(p ? p.text : '', 40);
    /* the opposite tap on something still unsent cancels it instead of sending both */
    var opp = waitingOf(add ? 'undot' : 'dot', function (x) { return x.proposal_id === id && x.round_id === rid; })
      .filter(function (it) { return !box.sent(it); }).pop();
    if (opp && box.cancel(opp.id)) {
      W.announce((add ? W.t('Take-back cancelled before it was sent: {idea}.', {idea: name}) : W.t('Waiting dot cancelled before it was sent: {idea}.', {idea: name})) + ' ' + dotsText() + '.');
      return;
    }
    var payload = {proposal_id: id, points: 1};
    if (state.round) payload.round_id = rid;
    queue(add ? 'cast_vote' : 'retract_vote', payload, add ? 'dot' : 'undot', p ? p.text : '',
      add ? W.t('Your dot on {idea} is waiting to send.', {idea: name}) : W.t('Taking back your dot on {idea} is waiting to send.', {idea: name}));
  }
  function spendAll() { return state.round && state.round.spend_all; }
  function plain() { var li = el('li', 'card'); li.appendChild(el('p', 'ptext')); li.appendChild(el('p', 'also')); return li; }
  function fill(li, p) {
    var a = li.children[1];
    li.children[0].textContent = p.text;
    a.textContent = W.also(p);
    a.hidden = !a.textContent;
  }
  function card(p) {
    /* one compact row per idea: the text, then − count + (12 ideas fit on two screens at 320 px) */
    var li = plain(), row = el('div', 'vrow'), minus = el('button', 'btn s', '−'), plus = el('button', 'btn', '+'), mine = el('span', 'mine');
    minus.type = plus.type = 'button';
    li.className = 'card dotcard';
    mine.appendChild(el('span', 'vh', W.t('Your dots:') + ' '));
    mine.appendChild(el('span', 'n'));
    mine.appendChild(el('span', 'vh wait'));
    row.appendChild(minus);
    row.appendChild(mine);
    row.appendChild(plus);
    li.insertBefore(row, li.firstChild); /* floats right: the text wraps beside and under it */
    li.appendChild(el('p', 'wait-note')).setAttribute('aria-hidden', 'true');
    minus.addEventListener('click', function () {
      if (!W.off(minus)) vote(p.id, false);
      else W.showMsg(W.t('You have no dots on this idea to take back.'));
    });
    plus.addEventListener('click', function () {
      if (!W.off(plus)) return vote(p.id, true);
      W.showMsg(free(waiting()) <= 0 ? W.t('You have no dots left. Take one back from another idea to move it.')
        : W.t('You can put at most {most} dots on one idea.', {most: state.max_per_proposal}));
    });
    return li;
  }
  function updCard(li, p) {
    var w = waiting(), n = myVotes()[p.id] || 0, add = w.dot[p.id] || 0, back = w.undot[p.id] || 0, will = n + add - back;
    var b = li.querySelectorAll('button'), name = W.short(p.text), more = [], a = li.querySelector('.also'), note = li.querySelector('.wait-note');
    li.querySelector('.ptext').textContent = p.text;
    a.textContent = W.also(p);
    a.hidden = !a.textContent;
    if (add) more.push(W.t('{n} waiting to send', {n: add}));
    if (back) more.push(W.t('{n} to take back, waiting to send', {n: back}));
    /* the counter stays compact; what waits is said under the text (and read with the count) */
    li.querySelector('.mine .n').textContent = String(n);
    li.querySelector('.mine .wait').textContent = more.length ? ' (' + more.join(', ') + ')' : '';
    note.textContent = more.join(', ');
    note.hidden = !more.length;
    li.classList.toggle('voted', n > 0);
    li.classList.toggle('waiting', more.length > 0);
    b[0].setAttribute('aria-label', W.t('Take back a dot from: {idea}', {idea: name}));
    b[1].setAttribute('aria-label', W.t('Add a dot to: {idea}', {idea: name}));
    W.able(b[0], will > 0);
    W.able(b[1], free(w) > 0 && will < state.max_per_proposal);
  }
  function rankRow() {
    var li = el('li', 'rrow');
    li.appendChild(el('span', 'rank'));
    li.appendChild(el('span', 'ptext'));
    li.appendChild(el('span', 'pts'));
    return li;
  }
  function updRank(li, r) {
    var c = li.children;
    c[0].textContent = r.rank;
    c[1].textContent = r.text;
    c[2].textContent = r.pts;
  }

  /* The plan stage's and whole ballots' code loads only when needed, to keep the page light on cheap phones */
  var ctx = {sock: sock, render: render, rankRow: rankRow, updRank: updRank, fresh: function () { return fresh(); },
    queue: queue, waitingOf: waitingOf, box: box, hooks: hooks,
    me: function () { return me; }, setMe: function (m) { me = m; }, state: function () { return state; }};
  var mods = {plan: {fn: 'phonePlan', src: 'phone-plan'}, ballot: {fn: 'phoneBallots', src: 'phone-ballots'},
    themes: {fn: 'phoneThemes', src: 'phone-themes'}};
  function mod(name) {
    var m = mods[name];
    if (m.made || m.js) return m.made;
    if (W[m.fn]) return (m.made = W[m.fn](ctx));
    m.js = el('script');
    m.js.src = '/static/js/' + m.src + '.js';
    m.js.onload = function () { m.made = W[m.fn](ctx); render(); };
    m.js.onerror = function () { m.js.remove(); m.js = null; }; /* tried again at the next update */
    document.body.appendChild(m.js);
    return null;
  }
  var FIRST = {dots: W.N_('Most dots first'), approval: W.N_('Most support first'), ranking: W.N_('Highest score first'), points: W.N_('Most points first')};

  function render() {
    var welcome = !joined || editing;
    show('welcome', welcome);
    show('stage', !welcome);
    show('join-cancel', editing);
    joinBtn.textContent = editing ? W.t('Save') : W.t('Join');
    txt('welcome-h', editing ? W.t('Change name or group') : W.t('Welcome'));
    W.outboxView(box, render); /* also before the first snapshot: a reload shows what waits */
    if (welcome || !state || !me) return;
    var st = state.stage, props = state.proposals, shown = state.proposals_revealed, rd = state.round || {method: 'dots'};
    var dots = st === 'vote' && rd.method === 'dots', ballot = st === 'vote' && !dots && mod('ballot'), voting = dots;
    var plan = st === 'plan' && mod('plan'), planning = !!plan;
    var lead = '', h3 = '', list = [], ranks = [], m = W.byId(props), so = W.tn('{n} idea so far.', '{n} ideas so far.', state.proposal_count);
    var g = state.groups.filter(function (x) { return x.key === me.group; })[0];
    /* "Round 2: ranking" once there is more than one round, so people know which vote this is */
    txt('stage-h', rd.number > 1 && st === 'vote' ? W.t('Round {n}: {method}', {n: rd.number, method: (rd.method_label ? W.t(rd.method_label) : '').toLowerCase()})
      : rd.number > 1 && st === 'results' ? W.t('Results of round {n}', {n: rd.number}) : W.t(W.STAGES[st] || st));
    var who = {name: me.name, group: g && g.label};
    txt('who', me.name ? (g ? W.t('You joined as {name}, {group}.', who) : W.t('You joined as {name}.', who))
      : g ? W.t('You joined without a name, {group}.', who) : W.t('You joined without a name.', who));
    if (st === 'lobby') lead = W.t("You're in. The facilitator will start soon.");
    else if (st === 'propose' || st === 'group') {
      lead = st === 'group' ? W.t('The facilitator is grouping similar ideas.') : W.t('Share as many ideas as you like.');
      if (shown) { list = props; h3 = W.t('All ideas'); } else lead += ' ' + so;
    } else if (dots) {
      list = onBallot(props);
      lead = list.length ? W.t('Add dots to the ideas that matter most to you.') : W.t('There are no ideas to vote on yet.');
      if (list.length && spendAll()) lead += ' ' + (left() ? W.t('Place all {dots} dots for your vote to count.', {dots: state.dots}) : W.t('All your dots are placed: your vote counts.'));
      h3 = W.t('Ideas');
    } else if (st === 'vote') lead = !ballot ? W.t('Loading the ballot…') : rd.candidates ? W.t('This vote is on themes: each theme stands for the ideas grouped under it.') : '';
    else if (st === 'results') {
      if (tally) {
        m = W.items(state, tally); /* the themes, after a vote on themes */
        var meth = tally.method || 'dots', cw = m[tally.condorcet_winner];
        h3 = W.t(FIRST[meth] || FIRST.dots);
        ranks = tally.ranking.filter(function (r) { return m[r.proposal_id]; }).map(function (r) {
          if (r.tied) lead = W.t('"=" means a tie.');
          return {k: 'r' + r.proposal_id, rank: W.rankText(r), text: m[r.proposal_id].text,
            pts: W.score(r.points, meth)};
        });
        if (meth === 'ranking' && ranks.length) lead = (cw ? W.t('Ranked first by most people when compared two at a time: {idea}.', {idea: cw.text}) : W.t('No idea is ranked first by most people when compared two at a time.')) + (lead ? ' ' + lead : '');
      }
      if (!ranks.length) { h3 = ''; lead = W.t('Results will appear when the facilitator reveals them.'); }
    } else {
      lead = st === 'plan' ? W.t('Suggest actions for these priorities, and say where you can help.') : W.t('Thank you for taking part.');
      ranks = W.priorities(props).map(function (p) { return {k: (planning ? 'a' : 'p') + p.id, rank: String(p.priority_rank), text: p.text, pts: W.carried(p, state), p: p}; });
      if (ranks.length) h3 = W.t('Priorities');
      else if (st === 'plan') lead += ' ' + W.t('The priorities will appear here soon.');
    }
    news(rd, st === 'results' && ranks.length > 0);
    txt('lead', lead);
    show('lead', lead);
    show('dots', voting);
    show('ballot', !!ballot);
    if (ballot) ballot.render(onBallot(props));
    if (voting) {
      var w = waiting(), f = free(w), wait = Math.max(0, left() - f);
      txt('dots-text', dotsText());
      $('dotrow').textContent = rep('● ', f) + rep('◌ ', wait) + rep('○ ', Math.max(0, state.dots - f - wait));
    }
    show('propose-form', st === 'propose');
    var mine = me.my_proposals.concat(waitingOf('idea').map(function (it) { return {id: 'w' + it.id, text: it.payload.text, waiting: true}; }));
    show('mine', st === 'propose' && mine.length);
    W.sync($('mine-list'), mine, function (p) { return p.id; }, function () { return el('li', 'card'); },
      function (li, p) {
        li.textContent = p.text + (p.waiting ? ' ' + W.t('(waiting to send)') : '');
        li.classList.toggle('waiting', !!p.waiting);
        /* a hidden idea stays on its author's list, with a word, rather than vanishing */
        li.classList.toggle('is-hidden', !!p.hidden);
        if (p.hidden) li.appendChild(el('span', 'hint hid-word', ' ' + W.t('The facilitator has hidden this idea: only you can see it.')));
      });
    show('how', st === 'results' && ranks.length && rd.how_counted);
    txt('how-text', W.tx(rd.how_counted || ''));
    show('all', h3);
    txt('all-h', h3);
    W.sync($('list'), list, function (p) { return (voting ? 'v' : 'p') + p.id; }, voting ? card : plain, voting ? updCard : fill);
    show('plan-link', st === 'closed' && state.plan_public);
    var th = (state.spotlight || (st === 'group' && state.theme_suggestions_open) || mods.themes.made) && mod('themes');
    if (th) th.render();
    W.sync($('rank'), ranks, function (r) { return r.k; }, planning ? plan.make : rankRow, planning ? plan.upd : updRank);
    W.fire('render', {state: state, me: me});
  }
  /* A new round and results coming up change the page without a new stage: say so aloud */
  var heard = null;
  function news(rd, results) {
    var now = {round: rd.id, results: results ? rd.id || 0 : null};
    if (heard && rd.id && heard.round && rd.id !== heard.round) {
      W.announce(W.t('Round {n} has started: {method}.', {n: rd.number, method: W.t(rd.method_label || '').toLowerCase()}));
    }
    if (heard && results && heard.results !== now.results) W.announce(W.t('The results are shown.'));
    heard = now;
  }
  function rep(s, n) { return new Array(n + 1).join(s); }
  /* the proposals on this round's ballot (a shortlist or a run-off may leave some out) */
  function onBallot(props) {
    if (state.round && state.round.candidates) return state.round.candidates; /* a vote on themes */
    var ids = state.round && state.round.proposal_ids;
    if (!ids) return props;
    var on = {};
    ids.forEach(function (id) { on[id] = 1; });
    return props.filter(function (p) { return on[p.id]; });
  }
  count();
  render(); /* a joined phone shows its page (and its outbox) before the laptop answers */
})();
