/* The console's language settings (issue #16): the workshop's language (the wall, the
   published plan, the exports) and a second language the wall shows beside it. */
W.consoleLanguages = function (x) {
  'use strict';
  var $ = W.$, dirty = false;
  $('lang-form').addEventListener('input', function () { dirty = true; $('lang-msg').textContent = W.t('Not saved yet.'); });
  $('lang-form').addEventListener('submit', function (e) {
    e.preventDefault();
    x.send('set_languages', {language: $('l-lang').value, wall_language2: $('l-lang2').value}, function () {
      dirty = false;
      $('lang-msg').textContent = W.t('Saved.');
      W.announce(W.t('Saved.'));
    });
  });
  return {render: function () {
    var s = x.state();
    if (dirty || !s) return; /* never overwrite what the facilitator is choosing */
    $('l-lang').value = s.language || 'en';
    $('l-lang2').value = s.wall_language2 || '';
  }};
};
