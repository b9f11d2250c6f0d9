/* Attendee phone: join, propose, vote, follow the session (the plan stage: phone-plan.js). */
(function () {
  'use strict';
  var $ = W.$, el = W.el, txt = W.txt, show = W.show, code = document.body.dataset.code;
  var devKey = 'workshop.device.' + code, joinKey = 'workshop.joined.' + code;
  var device = W.store.get(devKey);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(device || '')) { device = W.rand(16); W.store.set(devKey, device); }
  var state = null, me = null, tally = null, joined = !!W.store.get(joinKey), editing = false, idea = null;
  var timer = new W.Timer($('timer')), ta = $('idea'), joinBtn = $('join-btn');
  joinBtn.disabled = false; /* disabled in the page until this script can send the form */
  var sock = W.connect({code: code, device_id: device}, function () { if (joined) join(false); else render(); });
  W.onOnline = function () { if (state) render(); };

  function setState(s) {
    var before = state && state.stage;
    if (!s.tally) tally = null;
    else if (!tally || s.tally.version >= tally.version) tally = s.tally;
    state = s;
    W.setClock(s.server_time);
    timer.set(s.timer);
    if (before && before !== s.stage) W.announce('Now: ' + W.STAGES[s.stage] + '.');
  }
  sock.on('state_changed', function (s) { if (!state || s.version >= state.version) { setState(s); render(); } });
  sock.on('my_state_changed', function (m) { me = m; if (state) render(); });
  sock.on('tally_changed', function (t) { if (!tally || t.version >= tally.version) { tally = t; if (state) render(); } });

  /* form: send the welcome form's name and group (true), or rejoin as before (false) */
  function join(form) {
    var p = {code: code, device_id: device}, g = document.querySelector('input[name=group]:checked');
    if (state) p.version = state.version;
    if (form) { p.name = $('name').value.trim(); p.group = g ? g.value : ''; joinBtn.disabled = true; }
    W.cmd(sock, 'join_workshop', p, function (ack) {
      joined = true;
      W.store.set(joinKey, '1');
      if (ack.device_id && ack.device_id !== device) W.store.set(devKey, device = ack.device_id);
      me = ack.me;
      state = null;
      setState(ack.state);
      joinBtn.disabled = false;
      if (form) editing = false;
      render();
      if (form) { W.announce("You're in."); $('stage-h').focus(); }
    }, function () { joinBtn.disabled = false; });
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

  function count() { txt('idea-count', W.plural(500 - ta.value.length, 'character', 'characters') + ' left'); }
  ta.addEventListener('input', function () { count(); txt('idea-ok', ''); });
  $('propose-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = ta.value.trim(), btn = $('idea-btn');
    if (!text) { W.showMsg('Type your idea first, then press Submit.'); ta.focus(); return; }
    if (!W.online) { W.showMsg(W.DROPPED); return; }
    if (!idea || idea.text !== text) idea = {text: text, request_id: W.rand()}; /* same id when retried */
    btn.disabled = true;
    W.cmd(sock, 'submit_proposal', idea, function (ack) {
      btn.disabled = false;
      idea = null;
      if (ta.value.trim() === text) ta.value = '';
      count();
      if (!me.my_proposals.some(function (p) { return p.id === ack.proposal_id; })) me.my_proposals.push({id: ack.proposal_id, text: text});
      txt('idea-ok', 'Thank you. Your idea was sent.');
      W.announce('Thank you. Your idea was sent.');
      render();
    }, function () { btn.disabled = false; });
  });

  /* A `me` of an earlier round than the snapshot's: nothing cast in this one yet */
  function fresh() { return !state.round || me.round_id === state.round.id; }
  function left() { return fresh() ? me.dots_left : state.dots; }
  function myVotes() { return fresh() ? me.my_votes : {}; }
  function dotsText() { return 'You have ' + left() + ' of ' + state.dots + ' dots left'; }
  function vote(id, add) {
    var p = {proposal_id: id, points: 1, request_id: W.rand()};
    if (state.round) p.round_id = state.round.id;
    W.cmd(sock, add ? 'cast_vote' : 'retract_vote', p, function (ack) {
      if (ack.me) me = ack.me;
      else { me.dots_left = ack.dots_left; me.my_votes[id] = Math.max(0, (me.my_votes[id] || 0) + (add ? 1 : -1)); }
      render();
      W.announce((add ? 'Your dot was counted. ' : 'Dot taken back. ') + dotsText() + '.' + (spendAll() && !left() ? ' All your dots are placed: your vote counts.' : ''));
    });
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
    var li = plain(), row = el('div', 'vrow'), minus = el('button', 'btn s', '− Take back'), plus = el('button', 'btn', '+ Add a dot');
    minus.type = plus.type = 'button';
    row.appendChild(minus);
    row.appendChild(el('span', 'mine'));
    row.appendChild(plus);
    li.appendChild(row);
    minus.addEventListener('click', function () {
      if (!W.off(minus)) vote(p.id, false);
      else W.showMsg(W.online ? 'You have no dots on this idea to take back.' : W.DROPPED);
    });
    plus.addEventListener('click', function () {
      if (!W.off(plus)) return vote(p.id, true);
      W.showMsg(!W.online ? W.DROPPED : left() <= 0 ? 'You have no dots left. Take one back from another idea to move it.'
        : 'You can put at most ' + state.max_per_proposal + ' dots on one idea.');
    });
    return li;
  }
  function updCard(li, p) {
    var n = myVotes()[p.id] || 0, b = li.querySelectorAll('button'), name = W.short(p.text);
    fill(li, p);
    li.querySelector('.mine').textContent = 'Your dots: ' + n;
    li.classList.toggle('voted', n > 0);
    b[0].setAttribute('aria-label', 'Take back a dot from: ' + name);
    b[1].setAttribute('aria-label', 'Add a dot to: ' + name);
    W.able(b[0], W.online && n > 0);
    W.able(b[1], W.online && left() > 0 && n < state.max_per_proposal);
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
    me: function () { return me; }, setMe: function (m) { me = m; }, state: function () { return state; }};
  var mods = {plan: {fn: 'phonePlan', src: 'phone-plan'}, ballot: {fn: 'phoneBallots', src: 'phone-ballots'}};
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
  var UNIT = {dots: ['dot', 'dots'], approval: ['vote', 'votes'], ranking: ['point', 'points'], points: ['point', 'points']};
  var FIRST = {dots: 'Most dots first', approval: 'Most support first', ranking: 'Highest score first', points: 'Most points first'};

  function render() {
    var welcome = !joined || editing;
    show('welcome', welcome);
    show('stage', !welcome);
    show('join-cancel', editing);
    joinBtn.textContent = editing ? 'Save' : 'Join';
    txt('welcome-h', editing ? 'Change name or group' : 'Welcome');
    if (welcome || !state || !me) return;
    var st = state.stage, props = state.proposals, shown = state.proposals_revealed, rd = state.round || {method: 'dots'};
    var dots = st === 'vote' && rd.method === 'dots', ballot = st === 'vote' && !dots && mod('ballot'), voting = dots;
    var plan = st === 'plan' && mod('plan'), planning = !!plan;
    var lead = '', h3 = '', list = [], ranks = [], m = W.byId(props), so = W.plural(state.proposal_count, 'idea', 'ideas') + ' so far.';
    var g = state.groups.filter(function (x) { return x.key === me.group; })[0];
    txt('stage-h', W.STAGES[st] || st);
    txt('who', 'You joined' + (me.name ? ' as ' + me.name : ' without a name') + (g ? ', ' + g.label : '') + '.');
    if (st === 'lobby') lead = "You're in. The facilitator will start soon.";
    else if (st === 'propose' || st === 'group') {
      lead = st === 'group' ? 'The facilitator is grouping similar ideas.' : 'Share as many ideas as you like.';
      if (shown) { list = props; h3 = 'All ideas'; } else lead += ' ' + so;
    } else if (dots) {
      list = onBallot(props);
      lead = list.length ? 'Add dots to the ideas that matter most to you.' : 'There are no ideas to vote on yet.';
      if (list.length && spendAll()) lead += left() ? ' Place all ' + state.dots + ' dots for your vote to count.' : ' All your dots are placed: your vote counts.';
      h3 = 'Ideas';
    } else if (st === 'vote') lead = ballot ? '' : 'Loading the ballot…';
    else if (st === 'results') {
      if (tally) {
        var meth = tally.method || 'dots', u = UNIT[meth] || UNIT.dots, cw = m[tally.condorcet_winner];
        h3 = FIRST[meth] || FIRST.dots;
        ranks = tally.ranking.filter(function (r) { return m[r.proposal_id]; }).map(function (r) {
          if (r.tied) lead = '"=" means a tie.';
          return {k: 'r' + r.proposal_id, rank: W.rankText(r), text: m[r.proposal_id].text,
            pts: meth === 'dots' ? W.points(r.points) : W.plural(r.points, u[0], u[1])};
        });
        if (meth === 'ranking' && ranks.length) lead = (cw ? 'Ranked first by most people when compared two at a time: ' + cw.text + '.' : 'No idea is ranked first by most people when compared two at a time.') + (lead ? ' ' + lead : '');
      }
      if (!ranks.length) { h3 = ''; lead = 'Results will appear when the facilitator reveals them.'; }
    } else {
      lead = st === 'plan' ? 'Suggest actions for these priorities, and say where you can help.' : 'Thank you for taking part.';
      ranks = W.priorities(props).map(function (p) { return {k: (planning ? 'a' : 'p') + p.id, rank: String(p.priority_rank), text: p.text, pts: W.carried(p), p: p}; });
      if (ranks.length) h3 = 'Priorities';
      else if (st === 'plan') lead += ' The priorities will appear here soon.';
    }
    txt('lead', lead);
    show('lead', lead);
    show('dots', voting);
    show('ballot', !!ballot);
    if (ballot) ballot.render(onBallot(props));
    if (voting) {
      txt('dots-text', dotsText());
      $('dotrow').textContent = new Array(left() + 1).join('● ') + new Array(Math.max(0, state.dots - left()) + 1).join('○ ');
    }
    show('propose-form', st === 'propose');
    W.able($('idea-btn'), W.online);
    show('mine', st === 'propose' && me.my_proposals.length);
    W.sync($('mine-list'), me.my_proposals, function (p) { return p.id; }, function () { return el('li', 'card'); },
      function (li, p) {
        li.textContent = p.text;
        li.classList.toggle('is-hidden', !!p.hidden);
        if (p.hidden) li.appendChild(el('span', 'hint hid-word', ' The facilitator has hidden this idea: only you can see it.'));
      });
    show('how', st === 'results' && ranks.length && rd.how_counted);
    txt('how-text', rd.how_counted || '');
    show('all', h3);
    txt('all-h', h3);
    W.sync($('list'), list, function (p) { return (voting ? 'v' : 'p') + p.id; }, voting ? card : plain, voting ? updCard : fill);
    show('plan-link', st === 'closed' && state.plan_public);
    W.sync($('rank'), ranks, function (r) { return r.k; }, planning ? plan.make : rankRow, planning ? plan.upd : updRank);
  }
  /* the proposals on this round's ballot (a shortlist or a run-off may leave some out) */
  function onBallot(props) {
    var ids = state.round && state.round.proposal_ids;
    if (!ids) return props;
    var on = {};
    ids.forEach(function (id) { on[id] = 1; });
    return props.filter(function (p) { return on[p.id]; });
  }
  count();
})();
