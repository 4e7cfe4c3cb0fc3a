// Playground page: renders the bot's Adaptive Cards with the real renderer and sends commands, actions and clock steps.
/* global AdaptiveCards */
(function () {
  'use strict';
  var viewer = 'u-cora';
  var state = null;
  var busy = false;

  function $(id) { return document.getElementById(id); }

  // Teams renders the Markdown subset of TextBlocks itself; the JS renderer needs a processor. HTML in text stays escaped.
  var md = window.markdownit({ html: false, linkify: false, breaks: true });
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = md.render(text).replace(/<a href=/g, '<a target="_blank" rel="noopener" href=');
    result.didProcess = true;
  };

  function toast(text, isError) {
    var el = $('toast');
    el.textContent = text;
    el.className = 'show' + (isError ? ' error' : '');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { el.className = ''; }, 4000);
  }

  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error(json.error || res.statusText);
        return json;
      });
    });
  }

  function renderCard(payload, messageId) {
    var card = new AdaptiveCards.AdaptiveCard();
    card.onExecuteAction = function (action) {
      if (action instanceof AdaptiveCards.OpenUrlAction) {
        window.open(action.url, '_blank', 'noopener');
        return;
      }
      var data = action.data || {};
      var verb = action.verb || data.verb;
      // A button that sends a command as the viewer (the close confirmation), like typing it.
      if (!verb && typeof data.command === 'string') { runCommand(data.command); return; }
      if (!verb) return;
      runAction(verb, data, messageId);
    };
    card.parse(payload);
    return card.render();
  }

  function runAction(verb, data, messageId) {
    if (busy) return;
    busy = true;
    var clean = {};
    Object.keys(data).forEach(function (k) { if (k !== 'verb') clean[k] = data[k]; });
    api('POST', '/playground/action', { as: viewer, verb: verb, data: clean, messageId: messageId })
      .then(function (res) { if (res.message) toast(res.message, false); return refresh(); })
      .catch(function (err) { toast(err.message, true); })
      .then(function () { busy = false; });
  }

  function fmtTime(ms) {
    try {
      return new Date(ms).toLocaleString(state.locale === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: state.timezone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
    } catch (e) { return new Date(ms).toISOString(); }
  }

  function feed(el, messages, emptyText) {
    el.innerHTML = '';
    if (messages.length === 0) {
      var p = document.createElement('p');
      p.className = 'empty';
      p.textContent = emptyText;
      el.appendChild(p);
      return;
    }
    messages.forEach(function (m) {
      var box = document.createElement('article');
      box.className = 'msg' + (m.ephemeral ? ' ephemeral' : '');
      box.setAttribute('data-type', m.type);
      box.setAttribute('data-testid', 'msg-' + m.type);
      var meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = fmtTime(m.at) + (m.ephemeral ? ' · ' + state.strings.onlyYou : '');
      box.appendChild(meta);
      try { box.appendChild(renderCard(m.card, m.id)); } catch (e) { box.appendChild(document.createTextNode(String(e))); }
      el.appendChild(box);
    });
    el.scrollTop = el.scrollHeight;
  }

  function draw() {
    var s = state.strings;
    document.documentElement.lang = state.locale;
    document.title = s.title;
    $('title').textContent = s.title;
    $('intro').textContent = s.intro;
    $('you-are').textContent = s.youAre;
    $('clock-label').textContent = s.simulatedTime;
    $('clock').textContent = fmtTime(state.now);
    $('advance-hour').textContent = s.advanceHour;
    $('advance-day').textContent = s.advanceDay;
    $('advance-week').textContent = s.advanceWeek;
    ['advance-hour', 'advance-day', 'advance-week'].forEach(function (id) { $(id).disabled = !state.canAdvance; });
    $('channel-title').textContent = s.channel + ' #' + state.channel.name;
    $('send').textContent = s.send;
    $('command').placeholder = s.commandPlaceholder;
    var list = $('people');
    list.innerHTML = '';
    state.people.forEach(function (p) {
      var li = document.createElement('li');
      var label = document.createElement('label');
      var input = document.createElement('input');
      input.type = 'radio';
      input.name = 'viewer';
      input.value = p.id;
      input.checked = p.id === viewer;
      input.setAttribute('data-testid', 'person-' + p.id);
      input.addEventListener('change', function () { viewer = p.id; refresh(); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(p.name));
      var role = document.createElement('span');
      role.className = 'role';
      role.textContent = s['roles.' + p.role];
      label.appendChild(role);
      li.appendChild(label);
      list.appendChild(li);
    });
    var me = state.people.filter(function (p) { return p.id === viewer; })[0];
    $('dm-title').textContent = s.directMessages.replace('{name}', me ? me.name : viewer);
    feed($('channel'), state.messages.filter(function (m) { return m.audience === 'channel' || m.ephemeral; }), s.empty);
    feed($('dms'), state.messages.filter(function (m) { return m.audience !== 'channel' && !m.ephemeral; }), s.noDirectMessages);
  }

  function refresh() {
    return api('GET', '/playground/state?as=' + encodeURIComponent(viewer)).then(function (s) {
      state = s;
      draw();
    }).catch(function (err) { toast(err.message, true); });
  }

  function runCommand(text) {
    return api('POST', '/playground/command', { as: viewer, text: text })
      .then(refresh)
      .catch(function (err) { toast(err.message, true); });
  }

  $('command-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = $('command').value.trim();
    if (!text) return;
    $('command').value = '';
    runCommand(text);
  });

  Array.prototype.forEach.call(document.querySelectorAll('[data-advance]'), function (btn) {
    btn.addEventListener('click', function () {
      toast(state ? state.strings.working : '…', false);
      api('POST', '/playground/clock', { advance: btn.getAttribute('data-advance') })
        .then(refresh)
        .catch(function (err) { toast(err.message, true); });
    });
  });

  // `busy`: a card action is still running (a click meanwhile is ignored); the browser test waits for it to clear.
  window.__playground = { refresh: refresh, viewer: function () { return viewer; }, busy: function () { return busy; } };
  refresh();
})();
