// a11y.js - the hidden DOM tree that mirrors what the canvas shows, for
// screen readers and other assistive technology. src/app/a11y.cpp sends what
// changed each frame (nodes with roles, names, values and rectangles, the
// order of each parent's children, where the keyboard focus is, and what to
// announce); this keeps one element per node over the canvas, so a screen
// reader's focus outline lands on the item. The page's focus moving onto an
// item moves ImGui's keyboard focus there; an activation by assistive
// technology (a click event on the element) clicks the item.
'use strict';
(function () {
  const root = document.getElementById('a11y');
  const polite = document.getElementById('a11y-polite');
  const assertive = document.getElementById('a11y-assertive');
  const nodes = new Map();           // key -> element
  const STATIC = new Set(['navigation', 'main', 'region', 'menubar', 'menu', 'listbox', 'dialog', 'tooltip', 'gridcell']);
  let ownFocus = false;
  let composing = false;
  const stats = {applies: 0, last_ms: 0, max_ms: 0, sum_ms: 0, bytes: 0, nodes_set: 0};

  function attr(el, name, v) {
    if (v === undefined || v === null || v === false) { if (el.hasAttribute(name)) el.removeAttribute(name); return; }
    const s = String(v);
    if (el.getAttribute(name) !== s) el.setAttribute(name, s);
  }

  function make(n) {
    const el = document.createElement(n.role === 'textbox' ? 'input' : 'div');
    if (n.role === 'textbox') {
      el.type = 'text';
      el.autocomplete = 'off';
      el.spellcheck = false;
    }
    el.dataset.k = n.k;
    el.dataset.role = n.role;
    nodes.set(n.k, el);
    return el;
  }

  function update(n) {
    let el = nodes.get(n.k);
    if (el && el.dataset.role !== n.role) {
      // Another role may need another tag: a new element in the old one's place.
      const old = el;
      el = make(n);
      old.replaceWith(el);
    }
    if (!el) el = make(n);
    el._n = n;
    const role = n.role;
    attr(el, 'role', role === 'text' ? null : role);
    if (n.id !== undefined && el._id !== n.id) { el._id = n.id; el.dataset.id = n.id >>> 0; }
    attr(el, 'tabindex', n.focusable ? -1 : null);
    const named = role === 'text' || role === 'heading' || role === 'gridcell' || role === 'columnheader';
    if (named) {
      if (el.textContent !== (n.name || '')) el.textContent = n.name || '';
      attr(el, 'aria-label', null);
    } else {
      attr(el, 'aria-label', n.name || null);
    }
    attr(el, 'aria-level', n.level || null);
    attr(el, 'aria-checked', n.checked === undefined ? null : n.checked ? 'true' : 'false');
    attr(el, 'aria-expanded', n.expanded === undefined ? null : n.expanded ? 'true' : 'false');
    attr(el, 'aria-selected', n.selected === undefined ? null : n.selected ? 'true' : 'false');
    attr(el, 'aria-current', n.current ? 'page' : null);
    attr(el, 'aria-disabled', n.disabled ? 'true' : null);
    attr(el, 'aria-modal', n.modal ? 'true' : null);
    attr(el, 'aria-rowcount', n.rowcount);
    attr(el, 'aria-rowindex', n.rowindex);
    attr(el, 'aria-sort', n.sort || null);
    if (role === 'textbox') {
      el.dataset.v = n.value || '';
      attr(el, 'placeholder', n.placeholder || null);
      // While the user composes (IME) in this very field, its value is the browser's.
      if (!(composing && document.activeElement === el) && el.value !== el.dataset.v) {
        el.value = el.dataset.v;
        if (document.activeElement === el) el.setSelectionRange(el.value.length, el.value.length);
      }
    } else if (role === 'combobox') {
      if (el.textContent !== (n.value || '')) el.textContent = n.value || '';
    } else if (role === 'row' && n.cells) {
      // A list row's cells: made once, then only their text changes (the list re-sorted, a record edited).
      const cells = el._cells || (el._cells = []);
      while (cells.length < n.cells.length) {
        const c = document.createElement('div');
        c.setAttribute('role', 'gridcell');
        c.appendChild(document.createTextNode(''));
        el.appendChild(c);
        cells.push(c);
      }
      while (cells.length > n.cells.length) cells.pop().remove();
      for (let i = 0; i < cells.length; i++) if (cells[i].firstChild.data !== n.cells[i]) cells[i].firstChild.data = n.cells[i];
    }
    if (STATIC.has(role)) {
      el.classList.add('a11y-static');
    } else {
      // Device pixels from ImGui (relative to a grid, row group or row parent: a11y.cpp); CSS pixels here.
      const dpr = window.devicePixelRatio || 1;
      const css = `left:${n.x / dpr}px;top:${n.y / dpr}px;width:${n.w / dpr}px;height:${n.h / dpr}px`;
      if (el._css !== css) { el._css = css; el.style.cssText = css; }
    }
  }

  function reorder(parentKey, keys) {
    const parent = parentKey === '' ? root : nodes.get(parentKey);
    if (!parent) return;
    const want = [];
    for (const k of keys) { const el = nodes.get(k); if (el) want.push(el); }
    const kept = new Set(want);
    for (const el of Array.from(parent.children)) if (!kept.has(el)) el.remove();
    // Each in its place, moving only what is not: rows scrolled in at either
    // end are inserted and the rest stay (a moved element is a removal and an
    // insertion to assistive technology).
    let at = parent.firstElementChild;
    for (const el of want) {
      if (at === el) { at = at.nextElementSibling; continue; }
      parent.insertBefore(el, at);
    }
  }

  function say(region, text) {
    // The same words twice must be said twice: empty the region first.
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 30);
  }

  function apply(json) {
    const t0 = performance.now();
    const u = JSON.parse(json);

    for (const k of u.del || []) {
      const el = nodes.get(k);
      if (el) { el.remove(); nodes.delete(k); }
    }
    for (const n of u.set || []) update(n);

    for (const [p, keys] of Object.entries(u.order || {})) {
      if (p === '') continue;
      reorder(p, keys);
    }
    if (u.order && u.order['']) reorder('', u.order['']);
    stats.bytes += json.length;
    stats.nodes_set += (u.set || []).length;
    if (u.focus) {
      const el = nodes.get(u.focus);
      if (el && document.activeElement !== el) {
        ownFocus = true;
        el.focus({preventScroll: true});
        ownFocus = false;
      }
    }
    if (u.polite) say(polite, u.polite);
    if (u.assertive) say(assertive, u.assertive);
    const ms = performance.now() - t0;
    stats.applies++;
    stats.last_ms = ms;
    stats.max_ms = Math.max(stats.max_ms, ms);
    stats.sum_ms += ms;
  }

  // The page's focus moved onto an item (a screen reader, a script): ImGui's follows.
  root.addEventListener('focusin', (e) => {
    if (ownFocus) return;
    const el = e.target.closest('[data-id]');
    if (el && window.Module && Module._crm_a11y_focus) Module._crm_a11y_focus(Number(el.dataset.id) | 0);
  });
  // An activation by assistive technology: a click at the item (the mouse
  // itself goes to the canvas: the mirror takes no pointer events).
  root.addEventListener('click', (e) => {
    const el = e.target.closest('[data-id]');
    if (!el || !window.Module || !Module._crm_a11y_click) return;
    e.preventDefault();
    Module._crm_a11y_click(Number(el.dataset.id) | 0);
  });
  document.addEventListener('compositionstart', () => { composing = true; }, true);
  document.addEventListener('compositionend', () => { composing = false; }, true);

  window.crmA11y = {
    apply,
    // A mirrored field takes typed text like the page's hidden text field: after
    // it is passed on, the field shows ImGui's value again.
    isField: (el) => !!(el && el.dataset && el.dataset.role === 'textbox' && root.contains(el)),
    restore: (el) => {
      el.value = el.dataset.v || '';
      el.setSelectionRange(el.value.length, el.value.length);
    },
    stats: (reset) => {
      const s = {...stats, mean_ms: stats.applies ? stats.sum_ms / stats.applies : 0, elements: nodes.size};
      if (reset) for (const k of Object.keys(stats)) stats[k] = 0;
      return s;
    },
  };
})();
