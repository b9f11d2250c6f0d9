/* The console's room panel: lock the room, the expected head count, the join rate with its
   alert, and taking an attendee out (or back in). Kept apart from facilitator.js. */
W.roomConsole = function (x) {
  'use strict';
  var $ = W.$, el = W.el, shown = null;
  function clock(ms) {
    var d = new Date(ms), two = function (n) { return (n < 10 ? '0' : '') + n; };
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }
  function person(p) { return 'Attendee ' + p.participant_id + (p.group ? ' (' + (x.label(p.group) || p.group) + ')' : ''); }
  function row(p, text, removed) {
    var li = el('li'), b = el('button', 'btn s ' + (removed ? '' : 'w'), removed ? W.t('Bring back') : W.t('Take out'));
    b.type = 'button';
    b.setAttribute('aria-label', removed ? W.t('Bring back {person}', {person: person(p)}) : W.t('Take out {person}', {person: person(p)}));
    b.addEventListener('click', function () {
      if (!removed && !window.confirm(W.t('Take {person} out? Their proposals are hidden, their votes stop counting and their phone is refused. You can bring them back until the workshop closes.', {person: person(p)}))) return;
      x.send('remove_attendee', {participant_id: p.participant_id, removed: !removed}, function () {
        W.announce(removed ? W.t('{person} is back.', {person: person(p)}) : W.t('{person} was taken out.', {person: person(p)}));
      });
    });
    li.appendChild(el('span', null, text + ' '));
    li.appendChild(b);
    return li;
  }
  $('r-lock').addEventListener('click', function () {
    var room = x.state().room;
    x.send('lock_room', {locked: !room.locked});
  });
  $('r-exp-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var v = $('r-exp').value.trim();
    x.send('set_expected', {expected: v === '' ? null : parseInt(v, 10)}, function () { W.announce(v ? W.t('Expecting {n} people.', {n: v}) : W.t('No head count set.')); });
  });
  $('r-author-btn').addEventListener('click', function () {
    var id = parseInt($('r-author').value, 10);
    if (id) x.send('remove_attendee', {participant_id: id, removed: true}, function () { W.announce(W.t('The author was taken out.')); });
  });
  return function render(state) {
    var room = state.room;
    if (!room) return;
    var key = JSON.stringify(room) + state.joined + state.proposals.length;
    if (key === shown) return;
    shown = key;
    var lock = $('r-lock');
    lock.setAttribute('aria-pressed', room.locked ? 'true' : 'false');
    lock.querySelector('.state').textContent = room.locked ? W.t('On') : W.t('Off');
    if (document.activeElement !== $('r-exp')) $('r-exp').value = room.expected == null ? '' : room.expected;
    $('r-rate').textContent = W.tn('{n} person joined in the last minute', '{n} people joined in the last minute', room.joined_last_minute) + '; ' + (room.expected ? W.t('{n} in all of {expected} expected.', {n: state.joined, expected: room.expected}) : W.t('{n} in all.', {n: state.joined}));
    $('r-alert').hidden = !room.alert;
    $('r-alert').textContent = room.alert || '';
    var newest = $('r-newest'), gone = $('r-removed');
    newest.textContent = '';
    room.newest.forEach(function (p) { newest.appendChild(row(p, person(p) + ', joined ' + clock(p.joined_at), false)); });
    gone.textContent = '';
    room.removed.forEach(function (p) { gone.appendChild(row(p, person(p), true)); });
    $('r-removed-h').hidden = !room.removed.length;
    var sel = $('r-author'), authored = state.proposals.filter(function (p) { return p.author_id && !p.hidden; });
    sel.textContent = '';
    authored.forEach(function (p) { sel.appendChild(el('option', null, p.text.slice(0, 60))).value = p.author_id; });
    $('r-author-row').hidden = !authored.length;
  };
};
