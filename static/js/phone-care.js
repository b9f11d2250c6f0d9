/* Phone add-on for the duty of care: ideas waiting for the facilitator, and a private word.
   It hears phone.js through W.on('socket') and W.on('render'); phone.js does not know it. */
(function () {
  'use strict';
  var $ = W.$, el = W.el, sock = null, word = null;
  var SENT = W.N_('Sent. Only the facilitator can see it.');

  W.on('socket', function (s) { sock = s; });
  W.on('render', function (v) {
    var st = v.state.stage, held = (v.me && v.me.my_held) || [];
    $('care').hidden = st === 'closed'; /* nothing to offer once closed: no empty section */
    $('pre-mod').hidden = !(v.state.pre_moderation && st === 'propose');
    $('held-mine').hidden = !held.length || st === 'closed';
    W.sync($('held-list'), held, function (p) { return p.id; }, function () {
      var li = el('li', 'card held');
      li.appendChild(el('p', 'ptext'));
      li.appendChild(el('p', 'hint', W.t('The facilitator will look at this.')));
      return li;
    }, function (li, p) { li.firstChild.textContent = p.text; });
    $('care-open').hidden = st === 'closed' || !$('care-form').hidden;
    if (st === 'closed') $('care-form').hidden = true;
  });

  function open(on) {
    $('care-form').hidden = !on;
    $('care-open').hidden = on;
    if (on) { $('care-done').textContent = ''; $('care-h').focus(); } else $('care-open').focus();
  }
  /* The same words are sent with the same request id when retried, so they arrive once. */
  function send(message) {
    var where = $('care-where').value.trim();
    if (!W.online) { W.showMsg(W.DROPPED); return; }
    if (!word || word.message !== message || word.whereabouts !== where) {
      word = {message: message, whereabouts: where, request_id: W.rand()};
    }
    W.cmd(sock, 'send_private_word', word, function () {
      word = null;
      $('care-text').value = '';
      $('care-where').value = '';
      $('care-form').hidden = true;
      $('care-open').hidden = false;
      var said = W.t(SENT) + ' ' + (where ? W.t('They will come and find you.') : W.t('To be found, say where you are sitting or what you are wearing.'));
      $('care-done').textContent = said;
      W.announce(said);
      $('care-open').focus();
    });
  }
  $('care-open').addEventListener('click', function () { open(true); });
  $('care-cancel').addEventListener('click', function () { open(false); });
  $('care-talk').addEventListener('click', function () { send(''); });
  $('care-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('care-text').value.trim();
    if (!text && !$('care-where').value.trim()) { W.showMsg(W.t('Write a few words, or press "I need to talk to someone".')); $('care-text').focus(); return; }
    send(text);
  });
})();
