/* Projector add-on: the facilitator's pause ("We'll be back in a moment") covers the wall. */
(function () {
  'use strict';
  var curtain = W.$('s-pause');
  W.on('state', function (s) {
    var was = !curtain.hidden;
    curtain.hidden = !s.wall_paused;
    document.body.classList.toggle('paused', !!s.wall_paused);
    if (was !== !!s.wall_paused) W.announce(s.wall_paused ? W.t("We'll be back in a moment.") : W.t('The workshop is back.'));
  });
})();
