/* Facilitator console: mark the top of the current round's ranking as priorities. A tie
   at the cut is never broken here: the console says which ideas are tied and the
   facilitator chooses (all of them, none of them, or which). */
W.consolePriorities = function (x) {
  'use strict';
  var $ = W.$, el = W.el, pending = null;

  /* The ranking with votes, only ideas still on the list; ties share a rank. */
  function ranked() {
    var s = x.state(), t = x.tally(), ok = W.byId(s.proposals.filter(function (p) { return !p.hidden; }));
    return ((t && t.ranking) || []).filter(function (r) { return ok[r.proposal_id] && r.points > 0; });
  }
  /* The first n, or the question a tie at the cut raises: who is surely in, who is tied. */
  function cut(list, n) {
    if (list.length <= n || list[n].rank !== list[n - 1].rank) return {ids: list.slice(0, n).map(id)};
    var rank = list[n - 1].rank;
    return {
      above: list.filter(function (r) { return r.rank < rank; }).map(id),
      tied: list.filter(function (r) { return r.rank === rank; }),
      n: n, rank: rank
    };
  }
  function id(r) { return r.proposal_id; }
  function text(pid) { var p = W.byId(x.state().proposals)[pid]; return p ? p.text : W.t('An idea no longer on the list'); }

  function mark(ids) {
    x.send('set_priorities', {proposal_ids: ids}, function () {
      ask(null);
      W.announce(W.tn('{n} priority marked.', '{n} priorities marked.', ids.length));
    });
  }
  $('mark-top').addEventListener('click', function () {
    var n = parseInt($('top-n').value, 10), list = ranked();
    /* a vote on themes ranks themes, and a theme id is not an idea's: priorities are ideas */
    if ((x.state().round || {}).candidates) { W.showMsg(W.t('This round was a vote on themes, and priorities are ideas: mark them from a round on ideas.')); return; }
    if (!(n >= 1)) { W.showMsg(W.t('Type how many priorities to mark, for example 5.')); $('top-n').focus(); return; }
    if (!list.length) { W.showMsg(W.t('No idea has any votes in this round yet, so there is nothing to mark. Count some votes first.')); return; }
    var c = cut(list, n);
    if (c.ids) mark(c.ids); else ask(c);
  });

  /* Show (or clear) the tie question with its three answers */
  function ask(c) {
    pending = c;
    $('prio-tie').hidden = !c;
    if (!c) return;
    var u = x.tally().method === 'dots' ? 'dot' : 'point', pts = c.tied[0].points;
    var all = c.above.length + c.tied.length, names = c.tied.map(function (r) { return text(r.proposal_id); });
    $('prio-tie-text').textContent = W.tn('{n} idea is tied at place {place} with {score} each, so the top {top} cannot be marked without choosing: {ideas}.',
      '{n} ideas are tied at place {place} with {score} each, so the top {top} cannot be marked without choosing: {ideas}.', c.tied.length,
      {place: c.rank, score: u === 'dot' ? W.tn('{n} dot', '{n} dots', pts) : W.tn('{n} point', '{n} points', pts), top: c.n, ideas: names.join('; ')}) +
      ' ' + W.t('Nothing has been marked yet.');
    $('tie-all').textContent = W.t('Mark {n}: include every tied idea', {n: all});
    $('tie-fewer').textContent = c.above.length ? W.t('Mark {n}: leave the tied ideas out', {n: c.above.length}) : '';
    $('tie-fewer').hidden = !c.above.length;
    W.sync($('tie-pick'), c.tied, function (r) { return r.proposal_id; }, function (r) {
      var li = el('li', 'radio'), box = el('input'), lab = el('label');
      box.type = 'checkbox';
      box.id = 'tie-p-' + r.proposal_id;
      box.value = r.proposal_id;
      lab.htmlFor = box.id;
      li.appendChild(box);
      li.appendChild(lab);
      return li;
    }, function (li, r) { li.children[1].textContent = text(r.proposal_id); li.children[0].checked = false; });
    $('prio-tie-text').focus();
  }
  $('tie-all').addEventListener('click', function () { mark(pending.above.concat(pending.tied.map(id))); });
  $('tie-fewer').addEventListener('click', function () { mark(pending.above); });
  $('tie-picked').addEventListener('click', function () {
    var picked = [].map.call(document.querySelectorAll('#tie-pick input:checked'), function (c) { return +c.value; });
    var ids = pending.above.concat(pending.tied.map(id).filter(function (p) { return picked.indexOf(p) >= 0; }));
    if (!ids.length) { W.showMsg(W.t('Tick at least one of the tied ideas, or choose one of the buttons above.')); return; }
    mark(ids);
  });
  $('tie-cancel').addEventListener('click', function () { ask(null); $('mark-top').focus(); W.announce(W.t('Nothing marked.')); });

  function render() {
    var s = x.state();
    $('prio-hint').textContent = W.t('Uses the ranking of round {n} ({method}).', {n: s.round.number, method: W.t(s.round.method_label)}) + ' ' + W.t('A tie at the cut is yours to decide.');
  }
  return {render: render};
};
