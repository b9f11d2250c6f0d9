/* Phone, facilitation methods (loaded by phone.js only when needed): what is being
   discussed on the wall, and suggesting a theme for an idea when the facilitator allows. */
W.phoneThemes = function (ctx) {
  'use strict';
  var $ = W.$, el = W.el, req = null;
  /* Its styles come with it, so phones that never see a spotlight load nothing more. */
  var css = el('link');
  css.rel = 'stylesheet';
  css.href = '/static/css/methods.css';
  document.head.appendChild(css);
  var spot = el('section', 'p-spot'), form = el('form', 'p-sug');
  spot.id = 'p-spot';
  spot.setAttribute('aria-live', 'polite');
  spot.appendChild(el('p', 'p-spot-l', W.t('This is being discussed now')));
  var spotText = spot.appendChild(el('p', 'p-spot-t')), spotSub = spot.appendChild(el('p', 'hint'));
  form.id = 'p-sug';
  form.noValidate = true;
  form.appendChild(el('h3', null, W.t('Suggest a theme')));
  form.appendChild(el('p', 'hint', W.t('Which heading does an idea belong under? The facilitator decides.')));
  var pl = el('label', null, W.t('Idea')), pick = el('select'), hl = el('label', null, W.t('Theme')), head = el('input'), opts = el('datalist');
  pick.id = 'sug-idea';
  pl.htmlFor = pick.id;
  head.id = 'sug-heading';
  head.maxLength = 80;
  head.autocomplete = 'off';
  hl.htmlFor = head.id;
  opts.id = 'sug-themes';
  head.setAttribute('list', opts.id);
  [pl, pick, hl, head, opts].forEach(function (n) { form.appendChild(n); });
  var send = form.appendChild(el('button', 'btn', W.t('Send suggestion'))), ok = form.appendChild(el('p', 'ok-text'));
  send.type = 'submit';
  ok.setAttribute('aria-live', 'polite');
  var h2 = $('stage-h');
  h2.parentNode.insertBefore(spot, h2.nextSibling);
  $('all').parentNode.insertBefore(form, $('all'));

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var pid = parseInt(pick.value, 10), heading = head.value.trim();
    if (!pid) { W.showMsg(W.t('Choose the idea first.')); pick.focus(); return; }
    if (!heading) { W.showMsg(W.t('Type the theme you would put it under.')); head.focus(); return; }
    var same = req && req.proposal_id === pid && req.heading === heading;
    req = same ? req : {proposal_id: pid, heading: heading, request_id: W.rand()};
    W.cmd(ctx.sock, 'suggest_theme', req, function () {
      req = null;
      head.value = '';
      ok.textContent = W.t('Thank you: the facilitator will see your suggestion.');
    });
  });

  function render() {
    var s = ctx.state(), sp = s.spotlight;
    spot.hidden = !sp;
    if (sp) {
      spotText.textContent = sp.kind === 'theme' ? W.t('Theme: {theme}', {theme: sp.text}) : '#' + sp.number + ' ' + sp.text;
      spotSub.textContent = sp.kind === 'theme' ? W.tn('{n} idea in this theme.', '{n} ideas in this theme.', (sp.proposals || []).length) : sp.theme ? W.t('Theme: {theme}', {theme: sp.theme}) : '';
      spotSub.hidden = !spotSub.textContent;
    }
    var open = s.stage === 'group' && s.theme_suggestions_open && (s.proposals || []).length > 0;
    form.hidden = !open;
    if (!open) return;
    var sig = s.proposals.map(function (p) { return p.id + ':' + p.text; }).join('\n');
    if (pick._sig !== sig) {
      var keep = pick.value;
      pick._sig = sig;
      pick.textContent = '';
      pick.appendChild(el('option', null, W.t('Choose an idea'))).value = '';
      s.proposals.forEach(function (p) { pick.appendChild(el('option', null, W.short(p.text, 60))).value = String(p.id); });
      pick.value = keep;
    }
    W.sync(opts, s.themes || [], function (t) { return t.id; }, function () { return el('option'); }, function (o, t) { o.value = t.heading; });
  }
  return {render: render};
};
