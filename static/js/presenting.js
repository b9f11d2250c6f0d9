/* Presenting mode for the facilitator console. A laptop is often mirrored on the wall, or
   the console dragged onto the projector: while the wall hides results, presenting mode
   hides every score and every private note here too. A large window (or a second screen
   the browser reports) shows a warning that offers to turn it on. */
W.presenting = function (onChange) {
  'use strict';
  var $ = W.$, KEY = 'workshop.console.presenting', on = W.store.get(KEY) === 'on', last = null;

  /* What the wall shows (see screen.js): results only while voting or on the results
     stage, and then only when live results are allowed or revealed. */
  function wallShowsResults(s) {
    var live = s.results_revealed || (s.round && s.round.wall_mode === 'results');
    return (s.stage === 'vote' && live) || (s.stage === 'results' && !!s.results_revealed);
  }
  /* A mirrored laptop cannot be detected; a big window or an extended desktop is the clue. */
  function looksProjected() {
    return window.screen.isExtended === true || window.innerWidth >= 1600;
  }
  function set(v) {
    on = v;
    W.store.set(KEY, on ? 'on' : 'off');
    W.announce(on ? W.t('Presenting mode on: scores are hidden here while the wall hides them.') : W.t('Presenting mode off.'));
    onChange();
  }
  $('t-present').addEventListener('click', function () { set(!on); });
  $('present-on').addEventListener('click', function () { set(true); $('t-present').focus(); });
  window.addEventListener('resize', function () { if (last) apply(last); });

  /* Called on every render: returns true while scores must stay off this screen. */
  function apply(s) {
    var hide = on && !wallShowsResults(s);
    last = s;
    document.body.classList.toggle('hide-scores', hide);
    $('t-present').setAttribute('aria-pressed', on ? 'true' : 'false');
    $('t-present').querySelector('.state').textContent = on ? W.t('On') : W.t('Off');
    $('present-note').hidden = !hide;
    $('present-warn').hidden = on || !looksProjected();
    return hide;
  }
  return {apply: apply, hiding: function () { return document.body.classList.contains('hide-scores'); }};
};
