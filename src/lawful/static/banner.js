/* lawful cookie banner (R-25..R-29, R-31). Plain JavaScript, no dependencies, safe under a strict CSP:
   no eval, no inline style or handler, every text set with textContent.
   <script src="https://lawful.example/static/banner.js" data-lawful="https://lawful.example" data-lang="fr" defer></script>
   Page tags wait as <script type="text/plain" data-lawful-category="analytics" src="…"> and
   <iframe data-lawful-category="social_media" data-src="…">; [data-lawful-manage] reopens the choices.
   For the page's own code: window.lawfulBanner.manage(), .choices(), and the `lawful:consent` event. */
(() => {
  'use strict';
  const d = document, w = window, me = d.currentScript || d.querySelector('script[data-lawful]');
  if (!me || w.lawfulBanner) return; // loaded twice
  const NAME = 'lawful_consent', NECESSARY = 'strictly_necessary';
  const origin = (me.dataset.lawful || new URL(me.src, location.href).origin).replace(/\/+$/, '');
  const lang = (me.dataset.lang || navigator.language || '').slice(0, 2).toLowerCase();
  const gpc = navigator.globalPrivacyControl === true;
  const warn = (e) => console.warn('lawful banner:', e);
  // Used only when lawful cannot be reached: the config carries every text.
  const FALLBACK = {
    en: { blocked: 'This content comes from another company that may set cookies. It is loaded only if you agree.', load_content: 'Load this content' },
    fr: { blocked: 'Ce contenu provient d’une autre entreprise qui peut déposer des cookies. Il n’est chargé qu’avec votre accord.', load_content: 'Charger ce contenu' },
    nl: { blocked: 'Deze inhoud komt van een ander bedrijf dat cookies kan plaatsen. Ze wordt enkel geladen als u akkoord gaat.', load_content: 'Deze inhoud laden' },
  };
  const text = (key) => (cfg ? cfg.texts[key] : (FALLBACK[lang] || FALLBACK.en)[key]);
  let cfg = null, stored = read(), need = false, root, first, second, fixed, before, queue = Promise.resolve();
  const active = new Set();

  const el = (tag, cls, content, attrs) => {
    const e = d.createElement(tag);
    if (cls) e.className = cls;
    if (content != null) e.textContent = content;
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  };
  const ready = new Promise((ok) => (d.readyState === 'loading' ? d.addEventListener('DOMContentLoaded', ok) : ok()));
  const css = origin + '/static/banner.css';
  // Asked for once the config has arrived, so that a hanging lawful can never hold up the page's load event;
  // a slow stylesheet holds the banner back 3 s at most.
  let styled;
  const stylesheet = () => styled || (styled = new Promise((ok) => {
    if ([...d.querySelectorAll('link')].some((l) => l.href === css)) return ok();
    const link = el('link', 0, null, { rel: 'stylesheet', href: css });
    link.onload = link.onerror = ok;
    setTimeout(ok, 3000);
    d.head.append(link);
  }));

  function read() {
    const m = d.cookie.match(/(?:^|;\s*)lawful_consent=([^;]*)/);
    try {
      const s = m && JSON.parse(decodeURIComponent(m[1]));
      return s && typeof s.c === 'object' ? s : null;
    } catch (e) {
      return null;
    }
  }
  const lifetime = () => Math.round(cfg.lifetime_days * 86400);
  function write() {
    d.cookie = NAME + '=' + encodeURIComponent(JSON.stringify(stored)) + '; Path=/; SameSite=Lax; Max-Age=' +
      lifetime() + (location.protocol === 'https:' ? '; Secure' : '');
  }

  // fetch that gives up after 3 s and rejects with the status on an HTTP error
  function load(url, init) {
    const abort = new AbortController(), timer = setTimeout(() => abort.abort(), 3000);
    return fetch(url, Object.assign({ credentials: 'omit', signal: abort.signal }, init))
      .then((r) => { if (!r.ok) throw r.status; return r.json(); })
      .finally(() => clearTimeout(timer));
  }

  const optional = () => cfg.categories.filter((c) => !c.required);
  const refusedByGpc = (key) => gpc && cfg.gpc_refuses.includes(key);
  const required = (key) => key === NECESSARY || (cfg && cfg.categories.some((c) => c.key === key && c.required));

  // Run the waiting tags of the consented categories; refused ones keep nothing behind.
  function apply(choices) {
    if (cfg) optional().forEach((c) => (choices[c.key] && !refusedByGpc(c.key)) || cleanup(c));
    ready.then(() => {
      d.querySelectorAll('[data-lawful-category]').forEach((e) => {
        const key = e.dataset.lawfulCategory;
        if (required(key) || (choices[key] && !refusedByGpc(key))) activate(e);
      });
      d.dispatchEvent(new CustomEvent('lawful:consent', { detail: Object.assign({}, choices) }));
    });
  }

  function activate(e) {
    active.add(e.dataset.lawfulCategory);
    if (e.tagName === 'SCRIPT') {
      if (e.type !== 'text/plain') return;
      const s = d.createElement('script');
      for (const a of e.attributes) if (a.name !== 'type') s.setAttribute(a.name, a.value);
      if (e.dataset.type) s.type = e.dataset.type;
      if (!e.hasAttribute('async')) s.async = false; // keep the page's order
      s.nonce = e.nonce;
      s.text = e.text;
      e.replaceWith(s);
    } else if (e.dataset.src) {
      e.setAttribute('src', e.dataset.src);
      e.removeAttribute('data-src');
      if (e.lawful) {
        const focused = e.lawful.contains(d.activeElement);
        e.lawful.remove();
        e.hidden = false;
        if (focused) e.focus();
      }
    }
  }

  // Inert embeds: a placeholder whose button loads that item only.
  function placeholders() {
    d.querySelectorAll('[data-lawful-category][data-src]').forEach((e) => {
      if (/^(SCRIPT|IMG)$/.test(e.tagName) || e.lawful) return;
      const p = el('div', 'lawful-embed', null, { lang: cfg ? cfg.language : lang });
      const b = el('button', 'lawful-btn', text('load_content'), { type: 'button' });
      b.addEventListener('click', () => activate(e));
      p.append(el('p', 0, text('blocked')), b);
      e.lawful = p;
      e.hidden = true;
      e.before(p);
    });
  }

  // Withdrawal: expire the category's first-party cookies and storage; `_ga_*`, `_ga_<id>` are prefixes.
  function cleanup(category) {
    const tests = (category.trackers || []).map((t) => {
      const prefix = String(t.name).split(/[*<…]/)[0];
      return prefix === t.name ? (n) => n === prefix : (n) => prefix && n.startsWith(prefix);
    });
    const hit = (n) => tests.some((t) => t(n));
    d.cookie.split(/;\s*/).forEach((pair) => {
      const n = pair.split('=')[0];
      if (n && hit(n)) expire(n);
    });
    try {
      Object.keys(localStorage).forEach((k) => hit(k) && localStorage.removeItem(k));
    } catch (e) { /* storage disabled */ }
  }
  function expire(n) {
    const paths = ['/'], domains = [''], host = location.hostname.split('.');
    location.pathname.split('/').reduce((path, part) => {
      if (part) paths.push(path + '/' + part, path + '/' + part + '/');
      return part ? path + '/' + part : path;
    }, '');
    for (let i = 0; i < host.length - 1; i++) domains.push('; Domain=' + host.slice(i).join('.'));
    for (const p of paths) for (const m of domains) d.cookie = n + '=; Max-Age=0; Path=' + p + m;
  }

  function build() {
    const t = cfg.texts, action = (a, label) => el('button', 'lawful-btn', label, { type: 'button', 'data-action': a });
    root = el('div', 'lawful-banner', null, {
      role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'lawful-title', 'aria-describedby': 'lawful-body',
      lang: cfg.language, tabindex: '-1',
    });
    root.hidden = true;
    first = el('div', 'lawful-first');
    const links = el('p', 'lawful-links'), buttons = el('div', 'lawful-actions');
    links.append(el('a', 0, t.privacy, { href: cfg.links.privacy }), ' ', el('a', 0, t.cookies, { href: cfg.links.cookies }));
    buttons.append(action('accept', t.accept_all), action('refuse', t.refuse_all), action('manage', t.manage));
    first.append(el('p', 'lawful-body', t.body, { id: 'lawful-body' }), links, buttons);
    second = el('div', 'lawful-second');
    second.hidden = true;
    const list = el('ul', 'lawful-categories');
    for (const c of cfg.categories) {
      const id = 'lawful-c-' + c.key, item = el('li', 'lawful-category'), row = el('div', 'lawful-row');
      const box = el('input', 'lawful-switch', null, { type: 'checkbox', role: 'switch', id: id, 'data-key': c.key });
      row.append(box, el('label', 0, c.label, { for: id }));
      item.append(row);
      const note = c.required ? t.always_on : refusedByGpc(c.key) ? t.gpc : null;
      if (note) {
        box.disabled = true;
        box.checked = !!c.required;
        box.setAttribute('aria-describedby', id + '-note');
        item.append(el('p', 'lawful-note', note, { id: id + '-note' }));
      }
      if (c.description) item.append(el('p', 'lawful-description', c.description));
      if (c.trackers && c.trackers.length) {
        const names = c.trackers.map((k) => k.name + ' (' + [k.provider, k.duration].filter(Boolean).join(', ') + ')');
        item.append(el('p', 'lawful-trackers', names.join(' · ')));
      }
      list.append(item);
    }
    const save = el('div', 'lawful-actions');
    save.append(action('save', t.save), action('close', t.close_manage));
    second.append(list, save);
    root.append(el('h2', 'lawful-title', t.title, { id: 'lawful-title' }), first, second);
    root.addEventListener('click', onClick);
    root.addEventListener('keydown', onKey);
    d.body.append(root);
  }

  function open(manage) {
    if (!root) build();
    if (root.hidden) before = d.activeElement;
    layer(manage);
    stylesheet().then(() => {
      root.hidden = false;
      if (fixed) fixed.hidden = true;
      (manage ? second.querySelector('input:enabled') || root : root).focus({ preventScroll: true });
    });
  }
  function layer(manage) {
    first.hidden = manage;
    second.hidden = !manage;
    if (manage) {
      second.querySelectorAll('input:enabled').forEach((box) => {
        box.checked = !!(stored && stored.c[box.dataset.key]);
      });
    }
  }
  function back() {
    layer(false);
    first.querySelector('[data-action=manage]').focus();
  }
  function close() {
    root.hidden = true;
    if (fixed) fixed.hidden = false;
    if (before && before !== d.body && before.isConnected) before.focus();
    else if (d.activeElement) d.activeElement.blur();
  }

  function onClick(ev) {
    const b = ev.target.closest('[data-action]');
    if (!b) return;
    const a = b.dataset.action;
    if (a === 'manage') {
      layer(true);
      second.querySelector('input:enabled, button').focus();
    } else if (a === 'close') {
      need ? back() : close();
    } else {
      const choices = {};
      const boxes = [...second.querySelectorAll('input[data-key]')];
      optional().forEach((c) => {
        const box = boxes.find((x) => x.dataset.key === c.key);
        choices[c.key] = a === 'accept' || (a === 'save' && box.checked);
      });
      choose(choices);
    }
  }

  // Escape never accepts: it leaves the layers (or the banner, open) and gives the page its focus back.
  function onKey(ev) {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      if (!second.hidden && need) back();
      else if (!need) close();
      else if (before && before.isConnected && before !== d.body) before.focus();
      else d.activeElement.blur();
    } else if (ev.key === 'Tab') {
      const items = [...root.querySelectorAll('a[href], button, input')].filter((e) => !e.disabled && e.offsetParent);
      const i = items.indexOf(d.activeElement), last = items.length - 1;
      if (ev.shiftKey ? i <= 0 : i === last) {
        ev.preventDefault();
        items[ev.shiftKey ? last : 0].focus();
      }
    }
  }

  function choose(choices) {
    const c = {};
    optional().forEach((k) => { c[k.key] = choices[k.key] && !refusedByGpc(k.key) ? 1 : 0; });
    stored = { id: stored ? stored.id || null : null, v: cfg.version, c: c, t: Math.floor(Date.now() / 1000) };
    write();
    need = false;
    close();
    const sent = post(c);
    const stopped = optional().some((k) => !c[k.key] && active.has(k.key));
    apply(c); // also expires the refused categories' cookies
    if (stopped) sent.then(() => location.reload()); // the simplest way to stop running tags
  }

  // The proof goes to lawful in the background; one request at a time, so the id is reused.
  function post(c) {
    queue = queue.then(() => {
      const choices = {};
      for (const k in c) choices[k] = !!c[k];
      return load(cfg.endpoint || origin + '/api/banner/consents', {
        method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ consent_id: stored.id || null, choices: choices, language: cfg.language, version: cfg.version, gpc: gpc }),
      }).then((r) => {
        if (r.consent_id && stored.id !== r.consent_id) {
          stored.id = r.consent_id;
          write();
        }
      }, warn);
    });
    return queue;
  }

  function start(config) {
    cfg = config;
    stylesheet();
    const s = stored, fresh = s && s.v === cfg.version && Date.now() / 1000 - s.t < lifetime();
    ready.then(() => {
      if (!d.querySelector('[data-lawful-manage]')) {
        fixed = el('button', 'lawful-manage', cfg.texts.manage_link, { type: 'button', 'data-lawful-manage': '', lang: cfg.language });
        fixed.hidden = true;
        d.body.append(fixed);
      }
      if (fresh) {
        apply(s.c);
        if (fixed) stylesheet().then(() => { fixed.hidden = !!root && !root.hidden; });
      } else {
        need = true;
        open(false);
      }
    });
  }

  d.addEventListener('click', (ev) => {
    const m = ev.target.closest && ev.target.closest('[data-lawful-manage]');
    if (!m) return;
    ev.preventDefault();
    cfg ? open(true) : warn('lawful is unreachable');
  });
  w.lawfulBanner = { manage: () => cfg && open(true), choices: () => stored && Object.assign({}, stored.c) };

  const url = origin + '/api/banner/config';
  load(url + (lang ? '?lang=' + encodeURIComponent(lang) : ''))
    .catch((e) => (typeof e === 'number' && lang ? load(url) : Promise.reject(e)))
    .then(start, (e) => {
      warn(e);
      apply({}); // unreachable: only what is strictly necessary
    })
    .then(() => ready)
    .then(placeholders)
    .catch(warn);
})();
